"""The control API, seeds, seeded messages, persistence across restarts and the `efactura sandbox` command."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

import einvoice
from anaf_sandbox import SeedError, create_app, default_seed, parse_seed
from anaf_sandbox.testing import SandboxHandle, running_sandbox, scenario_seed, small_seed
from tests.anaf_sandbox.sandbox_helpers import ALFA, BUCATARIA, TESATORIA, client_for, make_invoice


def test_the_clock_can_be_set_and_advanced(sandbox: SandboxHandle) -> None:
    target = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    assert abs((sandbox.set_clock(target) - target).total_seconds()) < 1
    moved = sandbox.advance(days=2)
    assert abs((moved - target - timedelta(days=2)).total_seconds()) < 2
    bad = httpx.post(f"{sandbox.url}/_sandbox/clock", json={"now": "2027-03-01T09:30:00"})
    assert bad.status_code == 400  # a naive time is refused


def test_the_call_log_records_path_status_and_certificate(sandbox: SandboxHandle, api: httpx.Client) -> None:
    api.get("/TestOauth/jaxrs/hello")
    [call] = sandbox.calls("/TestOauth/")
    assert call["status"] == 200
    assert call["serial"] == sandbox.default_certificate()["serial"]
    assert "Bearer" not in json.dumps(sandbox.calls())


def test_injected_messages_are_listed_and_served(sandbox: SandboxHandle, api: httpx.Client) -> None:
    xml = make_invoice(seller="18547290", buyer=ALFA, number="INJ-1")
    [created] = sandbox.add_messages({"cif": ALFA, "direction": "received", "xml": xml.decode()})
    listed = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": ALFA}).json()["mesaje"]
    assert listed[0]["id"] == created["id"]
    assert "cif_emitent=18547290" in listed[0]["detalii"]
    archive = api.get("/prod/FCTEL/rest/descarcare", params={"id": created["id"]}).content
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.read(f"{created['id_solicitare']}.xml") == xml


def test_seeded_message_files_are_served_as_they_are() -> None:
    with running_sandbox(scenario_seed("seeded_messages")) as sandbox, client_for(sandbox) as api:
        listed = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 10, "cif": ALFA}).json()[
            "mesaje"
        ]
        assert len(listed) == 4
        kinds = set()
        for message in listed:
            archive = api.get("/prod/FCTEL/rest/descarcare", params={"id": message["id"]}).content
            with zipfile.ZipFile(io.BytesIO(archive)) as opened:
                invoice = einvoice.parse(opened.read(f"{message['id_solicitare']}.xml"))
            kinds.add((invoice.kind, invoice.type_code, invoice.buyer.vat_id is None))
        assert {kind for kind, _, _ in kinds} == {"invoice", "credit_note"}
        assert any(buyer_only_cif for _, _, buyer_only_cif in kinds)
        assert all(m["detalii"].endswith(f"pentru cif_beneficiar={ALFA}") for m in listed)
        assert all("cif_emitent=0 " not in m["detalii"] for m in listed)  # the supplier is read from the XML


def test_reset_goes_back_to_the_seed(sandbox: SandboxHandle, api: httpx.Client) -> None:
    api.post("/prod/FCTEL/rest/upload", params={"standard": "UBL", "cif": ALFA}, content=make_invoice())
    sandbox.add_faults({"path": "/x", "kind": "waf", "count": 3})
    sandbox.advance(days=3)
    sandbox.reset()
    assert abs((sandbox.now() - datetime.now(UTC)).total_seconds()) < 5
    assert httpx.get(f"{sandbox.url}/_sandbox/faults").json() == {"faults": []}
    assert api.get("/TestOauth/jaxrs/hello").status_code == 401  # tokens are gone too


def test_spv_rights_can_be_changed_at_runtime(sandbox: SandboxHandle, api: httpx.Client) -> None:
    serial = sandbox.default_certificate()["serial"]
    listing = "/prod/FCTEL/rest/listaMesajeFactura"
    xml = make_invoice(seller="18547290", buyer=ALFA, number="RIGHTS-1")
    [created] = sandbox.add_messages({"cif": ALFA, "direction": "received", "xml": xml.decode()})
    listed = api.get(listing, params={"zile": 1, "cif": ALFA}).json()
    assert [m["id"] for m in listed["mesaje"]] == [created["id"]]

    answer = httpx.post(f"{sandbox.url}/_sandbox/rights", json={"serial": serial, "cifs": [TESATORIA]})
    assert answer.json() == {"serial": serial, "cifs": [TESATORIA]}
    refused = api.get(listing, params={"zile": 1, "cif": ALFA}).json()  # same token, next call
    assert refused == {"eroare": f"Nu aveti drept in SPV pentru CIF={ALFA}", "titlu": "Lista Mesaje"}
    granted = api.get(listing, params={"zile": 1, "cif": TESATORIA}).json()
    assert granted["eroare"].startswith("Nu exista mesaje")  # allowed now, just empty
    download = api.get("/prod/FCTEL/rest/descarcare", params={"id": created["id"]})
    assert "Nu aveti dreptul sa descarcati" in download.text

    assert sandbox.set_rights(serial, []) == []
    nothing = api.get(listing, params={"zile": 1, "cif": TESATORIA}).json()
    assert nothing["eroare"] == "Nu exista niciun CIF pentru care sa aveti drept in SPV"
    sandbox.reset()  # back to the seed's rights
    with client_for(sandbox) as again:
        restored = again.get(listing, params={"zile": 1, "cif": ALFA}).json()
        assert restored["eroare"].startswith("Nu exista mesaje")  # rights back (the message went too)


def test_spv_rights_changes_are_checked_and_persisted(tmp_path: Path) -> None:
    with running_sandbox(small_seed(), state_dir=tmp_path) as first:
        serial = first.default_certificate()["serial"]
        bad = httpx.post(f"{first.url}/_sandbox/rights", json={"serial": "ff:ff", "cifs": [ALFA]})
        assert bad.status_code == 400
        assert httpx.post(f"{first.url}/_sandbox/rights", json={"serial": serial}).status_code == 400
        first.set_rights(serial, [BUCATARIA])
        tokens = first.login()
    with running_sandbox(small_seed(), state_dir=tmp_path) as second:
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        listed = httpx.get(
            f"{second.url}/prod/FCTEL/rest/listaMesajeFactura?zile=1&cif={ALFA}", headers=headers
        ).json()
        assert listed["eroare"] == f"Nu aveti drept in SPV pentru CIF={ALFA}"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    with running_sandbox(small_seed(), state_dir=tmp_path) as first:
        tokens = first.login()
        first.advance(days=1)
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        upload = httpx.post(
            f"{first.url}/prod/FCTEL/rest/upload?standard=UBL&cif={ALFA}",
            content=make_invoice(),
            headers=headers,
        )
        assert b'ExecutionStatus="0"' in upload.content
        moved = first.now()
    with running_sandbox(small_seed(), state_dir=tmp_path) as second:
        assert abs((second.now() - moved).total_seconds()) < 5  # the moved clock too
        second.advance(6)
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        listed = httpx.get(
            f"{second.url}/prod/FCTEL/rest/listaMesajeFactura?zile=1&cif={BUCATARIA}", headers=headers
        ).json()
        assert listed["mesaje"][0]["tip"] == "FACTURA PRIMITA"
        archive = httpx.get(
            f"{second.url}/prod/FCTEL/rest/descarcare?id={listed['mesaje'][0]['id']}", headers=headers
        )
        assert archive.headers["content-type"] == "application/zip"
        refreshed = httpx.post(
            f"{second.url}/anaf-oauth2/v1/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=("efactura-hub-demo", "efactura-hub-demo-secret"),
        )
        assert refreshed.status_code == 200


def test_a_bad_seed_is_refused_with_the_place_of_the_error() -> None:
    seed = small_seed()
    del seed["apps"][0]["client_secret"]
    with pytest.raises(SeedError, match="apps/0"):
        create_app(seed)
    with pytest.raises(SeedError):
        parse_seed({"apps": [], "certificates": []})


@pytest.mark.parametrize("name", ["busy_inbox", "tight_limits", "flaky_anaf", "seeded_messages"])
def test_every_scenario_is_a_valid_seed(name: str) -> None:
    assert parse_seed(scenario_seed(name)).apps


def test_a_minimal_seed_takes_every_default() -> None:
    seed = parse_seed(
        {
            "apps": [{"client_id": "a", "client_secret": "b", "redirect_uris": ["https://x/cb"]}],
            "certificates": [{"serial": "01:02", "holder": "H", "pin": "1"}],
        }
    )
    assert seed.tokens.access_days == 90
    assert seed.tokens.refresh_days == 365
    assert seed.tokens.max_grant_age_days == 730
    assert seed.limits.calls_per_minute == 1000
    assert seed.traffic is None
    assert seed.oauth.code_seconds == 60


def test_the_default_seed_has_what_the_demo_needs() -> None:
    seed = parse_seed(default_seed())
    app = seed.app("efactura-hub-demo")
    assert app is not None
    assert "http://127.0.0.1:8000/integrations/ro-efactura/oauth/callback/" in app.redirect_uris
    assert all(einvoice.cif_is_valid(c.cif) for c in seed.companies)
    assert len(seed.companies) == 3
    holders = [c.holder.split(" (")[0] for c in seed.certificates]
    assert any(holders.count(h) == 2 for h in holders)
    first = seed.certificates[0]
    assert {c.cif for c in seed.companies} - first.cifs
    assert seed.traffic is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_efactura_sandbox_serves_as_a_user_would_start_it(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "efactura",
            "sandbox",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--state",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/_sandbox/clock", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("efactura sandbox did not start")
        assert response.status_code == 200
        page = httpx.get(
            f"http://127.0.0.1:{port}/anaf-oauth2/v1/authorize",
            params={
                "response_type": "code",
                "client_id": "efactura-hub-demo",
                "redirect_uri": "http://127.0.0.1:8000/integrations/ro-efactura/oauth/callback/",
            },
        )
        assert "Ioana Popescu" in page.text
        assert (tmp_path / "sandbox-state.json").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
