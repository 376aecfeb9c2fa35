"""`efactura send`: per file the outbox id, the upload index, the state and the explained errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.outbox.cli import send_command
from tests.hub.outbox.helpers import ALFA, issued_xml, upload_calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["processing"] = {"lag_seconds": 0}  # ANAF answers at once: --wait ends on the first poll
    return sandbox_seed


def test_it_sends_files_and_waits_for_the_final_answer(
    hub_sandbox: Any, authorized: Organization, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(issued_xml("CLI-1"))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(issued_xml("CLI-2", buyer_id="8609469"))

    code = send_command(files=[good, bad], cif=f"RO{ALFA}", wait=True, as_json=True, timeout=60)

    rows = json.loads(capsys.readouterr().out)
    assert code == 1  # one file is invalid
    assert rows[0]["state"] == "ok"
    assert rows[0]["upload_id"]
    assert rows[1]["state"] == "invalid"
    assert rows[1]["errors"][0]["rule"] == "HUB-CIF-BUYER"
    assert len(upload_calls(hub_sandbox)) == 1

    assert send_command(files=[good], cif=ALFA) == 1  # the same invoice again: refused as a duplicate
    out = capsys.readouterr().out
    assert "duplicate" in out
    assert f"(first: {rows[0]['id']})" in out
    assert send_command(files=[good], cif="99999999") == 2
