"""The control API reads message files from the files folder only, and can require a control token."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from anaf_sandbox.core import seeds_folder
from anaf_sandbox.testing import SandboxHandle, running_sandbox, small_seed
from tests.anaf_sandbox.sandbox_helpers import ALFA, client_for, make_invoice

SUPPLIER_INVOICE = "invoices/supplier_invoice.xml"


def _post_messages(url: str, *messages: dict[str, object], token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{url}/_sandbox/messages", json={"messages": list(messages)}, headers=headers)


def _listed(sandbox: SandboxHandle) -> list[dict[str, str]]:
    with client_for(sandbox) as api:
        body = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": ALFA}).json()
    return list(body.get("mesaje", []))


@pytest.mark.parametrize(
    "name", ["/etc/hostname", "../../../../../../etc/hostname", "invoices/../../seed.py", "invoices/none.xml"]
)
def test_a_file_outside_the_files_folder_is_refused_and_nothing_is_added(
    sandbox: SandboxHandle, name: str
) -> None:
    good = {"cif": ALFA, "direction": "received", "file": SUPPLIER_INVOICE}
    bad = {"cif": ALFA, "direction": "received", "file": name}

    refused = _post_messages(sandbox.url, good, bad)

    assert refused.status_code == 400
    assert "inside the sandbox's files folder" in refused.json()["error"]
    assert _listed(sandbox) == []


def test_a_file_inside_the_folder_is_read_by_relative_or_absolute_name(sandbox: SandboxHandle) -> None:
    absolute = str(seeds_folder() / SUPPLIER_INVOICE)

    created = sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "file": SUPPLIER_INVOICE},
        {"cif": ALFA, "direction": "received", "file": absolute},
    )

    assert {m["id"] for m in _listed(sandbox)} == {m["id"] for m in created}


def test_inline_xml_needs_no_file(sandbox: SandboxHandle) -> None:
    xml = make_invoice(seller="18547290", buyer=ALFA, number="INLINE-1").decode()

    [created] = sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "xml": xml, "file": "/etc/hostname"}
    )

    assert [m["id"] for m in _listed(sandbox)] == [created["id"]]
    assert _post_messages(sandbox.url, {"cif": ALFA, "direction": "received", "xml": 5}).status_code == 400


def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ours.xml").write_bytes(make_invoice(seller="18547290", buyer=ALFA, number="OURS-1"))
    (tmp_path / "escape.xml").symlink_to("/etc/hostname")

    with running_sandbox(files_dir=tmp_path) as sandbox:
        assert _post_messages(
            sandbox.url, {"cif": ALFA, "direction": "received", "file": "ours.xml"}
        ).is_success
        refused = _post_messages(sandbox.url, {"cif": ALFA, "direction": "received", "file": "escape.xml"})
        assert refused.status_code == 400
        assert len(_listed(sandbox)) == 1


CONTROL_CALLS = [
    ("GET", "clock"),
    ("POST", "clock"),
    ("GET", "faults"),
    ("POST", "faults"),
    ("DELETE", "faults"),
    ("GET", "calls"),
    ("DELETE", "calls"),
    ("POST", "messages"),
    ("POST", "rights"),
    ("POST", "reset"),
    ("GET", "seed"),
]


def test_with_a_control_token_every_control_call_needs_it() -> None:
    with running_sandbox(control_token="c0ntrol-t0ken") as sandbox:
        for method, path in CONTROL_CALLS:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic c0ntrol-t0ken"}):
                answer = httpx.request(method, f"{sandbox.url}/_sandbox/{path}", headers=headers, json={})
                assert answer.status_code == 401, (method, path, headers)
                assert answer.headers["WWW-Authenticate"].startswith("Bearer")

        # The handle sends the token; ANAF's own paths do not need it.
        assert sandbox.advance(seconds=5)
        assert sandbox.calls() is not None
        assert _listed(sandbox) == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_efactura_sandbox_takes_the_token_from_the_environment_and_files_from_the_seed_folder(
    tmp_path: Path,
) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(small_seed()), encoding="utf-8")
    (tmp_path / "ours.xml").write_bytes(make_invoice(seller="18547290", buyer=ALFA, number="CLI-1"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "efactura", "sandbox", "--port", str(port), "--seed", str(seed_file)]
    env = {**os.environ, "EFACTURA_SANDBOX_CONTROL_TOKEN": "from-env"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        for _ in range(100):
            try:
                first = httpx.get(f"{url}/_sandbox/clock", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("efactura sandbox did not start")

        assert first.status_code == 401
        assert httpx.get(f"{url}/_sandbox/clock", headers={"Authorization": "Bearer from-env"}).is_success
        ours = {"cif": ALFA, "direction": "received", "file": "ours.xml"}
        assert _post_messages(url, ours, token="from-env").is_success
        builtin = {"cif": ALFA, "direction": "received", "file": str(seeds_folder() / SUPPLIER_INVOICE)}
        assert _post_messages(url, builtin, token="from-env").status_code == 400
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert b"needs the control token" in stderr
    assert b"from-env" not in stderr
