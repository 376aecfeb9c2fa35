"""Issued invoices of Alfa for the deadline, correction and PDF tests: dated, credit notes, stornos, and one
with a second seller tax code (which ANAF's `R_BT_32_cui` checks as well)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from einvoice import DocumentKind, Totals, build_ubl, compute_totals
from tests.hub.outbox.helpers import ALFA
from tests.sample_invoices import ro_invoice


def dated_xml(
    number: str,
    issued: date,
    *,
    kind: DocumentKind = DocumentKind.INVOICE,
    reference: str | None = None,
    storno: bool = False,
    second_tax_id: str | None = None,
) -> bytes:
    """Alfa's invoice `number` issued on `issued`; a credit note or (`storno`) an invoice with negative
    quantities naming `reference` (BT-25); `second_tax_id` puts a second seller tax registration code in."""
    invoice = ro_invoice(number, seller_vat_id=f"RO{ALFA}", kind=kind)
    invoice = replace(invoice, issue_date=issued, due_date=issued + timedelta(days=30))
    if reference is not None:
        invoice = replace(invoice, preceding_invoice=reference)
    if storno:
        invoice = replace(
            invoice,
            allowances_charges=[],
            tax_breakdown=[],
            totals=Totals(),
            lines=[
                replace(line, quantity=-(line.quantity or 1), net_amount=None, allowances_charges=[])
                for line in invoice.lines
            ],
        )
    if second_tax_id is not None:  # einvoice's builder refuses a wrong code: put it in after building
        invoice = replace(invoice, seller=replace(invoice.seller, tax_registration_id=ALFA))
        built = build_ubl(compute_totals(invoice))
        return built.replace(
            f"<cbc:CompanyID>{ALFA}</cbc:CompanyID>".encode(),
            f"<cbc:CompanyID>{second_tax_id}</cbc:CompanyID>".encode(),
        )
    return build_ubl(compute_totals(invoice))
