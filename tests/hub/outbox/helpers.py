"""Helpers of the outbox tests: issued invoices of the sandbox's companies and what the sandbox recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from einvoice import DocumentKind, build_ubl, compute_totals
from hub.outbox.tasks import outbox_due_task
from tests.hub.helpers import advance_clocks
from tests.sample_invoices import ro_invoice

ALFA = "16000015"
UPLOADS = "/*/FCTEL/rest/upload*"


def issued_xml(
    number: str = "ALFA-2026-0001",
    *,
    seller_vat_id: str = f"RO{ALFA}",
    buyer_id: str | None = None,
    kind: DocumentKind = DocumentKind.INVOICE,
) -> bytes:
    """A CIUS-RO invoice issued by Alfa (the sandbox's company), valid unless told otherwise."""
    invoice = ro_invoice(number, seller_vat_id=seller_vat_id, kind=kind)
    if buyer_id is not None:
        invoice = replace(invoice, buyer=replace(invoice.buyer, registration_id=buyer_id))
    return build_ubl(compute_totals(invoice))


def upload_calls(sandbox: Any) -> list[dict[str, Any]]:
    """Every call of `upload` / `uploadb2c` the sandbox saw (faulted or not), oldest first."""
    return [call for call in sandbox.calls() if call["path"].rsplit("/", 1)[-1] in ("upload", "uploadb2c")]


def later(sandbox: Any, **delta: float) -> int:
    """Move both clocks and run the outbox's beat task once."""
    advance_clocks(sandbox, timedelta(**delta))
    return int(outbox_due_task())
