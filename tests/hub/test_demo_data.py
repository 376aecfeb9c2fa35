"""The issued invoices `efactura demo` writes, sent as its `trimite.sh` sends them: at the sandbox the invoice
is accepted (signed ZIP archived) and its credit note linked to it, the deliberate resend is rejected by ANAF
as a duplicate with the error explained, the invalid one is kept and explained, never sent; the buyer (the
other demo company) receives the invoice and the credit note in Facturi primite."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from efactura.demo_invoices import SEND_STEPS, demo_outbox_files, send_script
from hub.accounts.models import Company, Organization
from hub.inbox.models import Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.outbox.cli import send_command
from hub.outbox.models import OutgoingInvoice
from tests.hub.helpers import advance_clocks
from tests.hub.outbox.helpers import upload_calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["processing"] = {"lag_seconds": 0}  # ANAF answers at once: --wait ends on the first poll
    return sandbox_seed


def test_the_send_script_runs_the_steps_on_the_demo_settings(tmp_path: Path) -> None:
    files = demo_outbox_files(tmp_path, date(2026, 12, 2))
    script = send_script(tmp_path, "python3", tmp_path / "efactura.env")
    text = script.read_text(encoding="utf-8")
    assert f"export EFACTURA_CONFIG={tmp_path}/efactura.env" in text
    assert text.count("python3 -m efactura send") == len(SEND_STEPS)
    assert "--deliberate-resend" in text
    assert {path.name for path in files} == {name for names, _ in SEND_STEPS for name in names}
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0  # it parses


def test_the_demo_issued_invoices_end_accepted_linked_rejected_and_invalid_all_explained(
    hub_sandbox: Any, authorized: Organization, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_outbox_files(tmp_path, date(2026, 12, 2))
    codes, rows = [], []
    for names, resend in SEND_STEPS:
        paths = [tmp_path / name for name in names]
        codes.append(
            send_command(
                files=paths, cif="16000015", wait=True, as_json=True, timeout=60, deliberate_resend=resend
            )
        )
        rows.append(json.loads(capsys.readouterr().out))

    assert codes == [0, 1, 1]  # as trimite.sh expects: only the first step ends well
    (accepted_row, credit_row), (resent_row,), (invalid_row,) = rows
    assert (accepted_row["state"], credit_row["state"]) == ("ok", "ok")
    accepted = OutgoingInvoice.objects.get(pk=accepted_row["id"])
    assert accepted.answer_sha256  # the signed ZIP is archived
    assert accepted.signature_valid is True
    assert OutgoingInvoice.objects.get(pk=credit_row["id"]).amends_id == accepted.pk
    assert resent_row["state"] == "nok"
    assert f"index={accepted.upload_id}" in json.dumps(resent_row["errors"])
    assert resent_row["errors"][0]["explanation"]
    assert invalid_row["state"] == "invalid"
    assert invalid_row["errors"][0]["explanation"]
    assert "16000016" in invalid_row["errors"][0]["value"]
    assert len(upload_calls(hub_sandbox)) == 3  # the invalid one never left

    # the buyer is the other demo company: ANAF delivers the invoice to its Facturi primite too
    buyer = Company.objects.get(organization=authorized, cif="29000025")
    advance_clocks(hub_sandbox, timedelta(minutes=10))  # past the sync's margin at the end of ANAF's lists
    result = inbox_sync_company(company_id=buyer.pk)
    assert result.outcome == "ok"
    numbers = set(Invoice.objects.filter(company=buyer).values_list("number", flat=True))
    assert {accepted.number, OutgoingInvoice.objects.get(pk=credit_row["id"]).number} <= numbers
