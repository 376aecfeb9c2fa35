"""`efactura send FILE... --company CIF [--wait] [--json]`: take issued invoices in, send them, print per file
the outbox id, ANAF's upload index, the state and the errors (with `--wait`: until ANAF's final answer).

`--wait` drives the due work itself (send, check, poll) through the same services the worker runs; their
claims make that safe beside running workers: an invoice is still uploaded once.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hub.accounts.models import Company
from hub.core import clock
from hub.outbox.models import FINAL, OutgoingInvoice, OutgoingState
from hub.outbox.services.following import outgoing_poll
from hub.outbox.services.intake import DuplicateInvoice, IntakeRefused, outgoing_intake
from hub.outbox.services.sending import outgoing_reconcile, outgoing_send, sends_crashed_reap
from hub.outbox.wording import explained, refusal_message

STEPS = {
    OutgoingState.QUEUED: outgoing_send,
    OutgoingState.UNCERTAIN: outgoing_reconcile,
    OutgoingState.SENT: outgoing_poll,
}
DONE = (*FINAL, OutgoingState.FAILED)


def _company(cif: str, organization: str | None) -> Company | str:
    rows = Company.objects.select_related("organization").filter(cif=cif.upper().removeprefix("RO").strip())
    if organization:
        rows = rows.filter(organization__slug=organization)
    found = list(rows[:2])
    if not found:
        return f"No company with CIF {cif} / Nicio firmă cu CIF {cif}"
    if len(found) > 1:
        return f"CIF {cif} is in several organizations: add --organization / CIF în mai multe organizații"
    return found[0]


def _row(path: Path, invoice: OutgoingInvoice | None, **extra: Any) -> dict[str, Any]:
    if invoice is None:
        return {"file": str(path), "id": None, "upload_id": None, "state": "refused", "errors": [], **extra}
    invoice.refresh_from_db()
    return {
        "file": str(path),
        "id": invoice.pk,
        "upload_id": invoice.upload_id or None,
        "state": invoice.state,
        "errors": explained(invoice.errors),
        **extra,
    }


def _drive(ids: list[int], timeout: float) -> None:
    """Run what is due for `ids` until each is final (or `timeout` seconds pass)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sends_crashed_reap()
        pending = OutgoingInvoice.objects.filter(pk__in=ids).exclude(state__in=DONE)
        if not pending.exists():
            return
        for invoice in pending.filter(next_action_at__lte=clock.now()):
            step = STEPS.get(OutgoingState(invoice.state))
            if step is not None:
                step(invoice_id=invoice.pk)
        time.sleep(1)


def send_command(
    *,
    files: list[Path],
    cif: str,
    organization: str | None = None,
    wait: bool = False,
    as_json: bool = False,
    timeout: float = 900,
    extern: bool = False,
    self_billed: bool = False,
    enforcement: bool = False,
    deliberate_resend: bool = False,
) -> int:
    company = _company(cif, organization)
    if isinstance(company, str):
        print(company)
        return 2
    results: list[tuple[Path, OutgoingInvoice | None, dict[str, Any]]] = []
    for path in files:
        try:
            intake = outgoing_intake(
                company=company,
                xml=path.read_bytes(),
                filename=path.name,
                source="cli",
                extern=extern,
                self_billed=self_billed,
                enforcement=enforcement,
                deliberate_resend=deliberate_resend,
            )
        except OSError as exc:
            results.append(
                (path, None, {"detail": f"cannot read the file / fișierul nu poate fi citit: {exc}"})
            )
        except IntakeRefused as exc:
            results.append((path, None, {"detail": str(refusal_message(exc.code))}))
        except DuplicateInvoice as exc:
            results.append((path, None, {"detail": "duplicate / duplicat", "first": exc.first.pk}))
        else:
            results.append((path, intake.invoice, {}))
    if wait:
        _drive([invoice.pk for _, invoice, _ in results if invoice is not None], timeout)
    rows = [_row(path, invoice, **extra) for path, invoice, extra in results]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['file']}: id {row['id']} upload {row['upload_id'] or '-'} {row['state']}", end="")
            print(
                f" {row['detail']}" + (f" (first: {row['first']})" if "first" in row else "")
                if "detail" in row
                else ""
            )
            for error in row["errors"]:
                print(f"  [{error['rule']}] {error['value']} {error['message']}")
                if error["explanation"]:
                    print(f"    {error['explanation']}")
    bad = {"refused", OutgoingState.INVALID, OutgoingState.NOK, OutgoingState.FAILED}
    return 1 if any(row["state"] in bad for row in rows) else 0
