"""Write what `hub.documents.reading` made of one archived ZIP into the inbox's rows (`invoice_upsert`).

Everything about the document is written in one transaction, together with the ledger's move to
`archived`, so a crash leaves either nothing or everything. A document that cannot be opened or parsed, or
fails validation, still gets its `Invoice` row with the problem: it is listed, never dropped.

`invoice_en16931_check` runs CEN EN 16931 on demand (the sync runs what ANAF applies: XSD and CIUS-RO) and
keeps what it finds among the invoice's warnings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

import einvoice
from hub.accounts.cif import without_ro_prefix
from hub.core import clock, rows
from hub.core.text import fold, search_text
from hub.documents.reading import MAX_VALIDATION_FINDINGS, Reading, finding_as_dict
from hub.inbox import documents
from hub.inbox.models import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    InvoiceState,
    InvoiceVat,
    Message,
    MessageState,
    PartyRole,
)


def _money(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        quantized = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        return None
    return quantized if abs(quantized) < Decimal("1e16") else None


def _decimal(value: Decimal | None, places: str) -> Decimal | None:
    if value is None:
        return None
    try:
        quantized = Decimal(value).quantize(Decimal(places))
    except (InvalidOperation, TypeError):
        return None
    return quantized if abs(quantized) < Decimal("1e14") else None


def _bare_cif(party: einvoice.Party) -> str:
    return without_ro_prefix(party.vat_id or party.tax_registration_id or party.registration_id or "")[:40]


def _state(reading: Reading) -> str:
    if reading.problem and reading.kind != DocumentKind.ERROR_REPORT:
        return InvoiceState.UNREADABLE
    if reading.kind == DocumentKind.ERROR_REPORT:
        return InvoiceState.INVALID
    if reading.valid is False:
        return InvoiceState.INVALID
    if reading.warnings or reading.findings_warnings:
        return InvoiceState.WARNINGS
    return InvoiceState.OK


def _cut(value: str | None, size: int) -> str:
    return (value or "")[:size]


def invoice_upsert(*, message: Message, reading: Reading) -> Invoice:
    """Write the document's rows and mark the message archived, all in one transaction (idempotent)."""
    invoice = reading.invoice
    seller = invoice.seller if invoice else None
    buyer = invoice.buyer if invoice else None
    totals = invoice.totals if invoice else None
    values: dict[str, Any] = {
        "organization_id": message.company.organization_id,
        "company_id": message.company_id,
        "direction": message.direction,
        "kind": reading.kind if reading.kind in DocumentKind.values else DocumentKind.UNKNOWN,
        "state": _state(reading),
        "number": _cut(invoice.number if invoice else "", 200),
        "issue_date": invoice.issue_date if invoice and isinstance(invoice.issue_date, date) else None,
        "due_date": invoice.due_date if invoice and isinstance(invoice.due_date, date) else None,
        "currency": _cut(invoice.currency if invoice else "", 3),
        "seller_name": _cut(seller.name if seller else "", 300),
        "seller_cif": _bare_cif(seller) if seller else "",
        "buyer_name": _cut(buyer.name if buyer else "", 300),
        "buyer_cif": _bare_cif(buyer) if buyer else "",
        "tax_exclusive": _money(totals.tax_exclusive) if totals else None,
        "tax": _money(totals.tax) if totals else None,
        "payable": _money(totals.payable if totals.payable is not None else totals.tax_inclusive)
        if totals
        else None,
        "received_at": message.created_at or message.listed_at,
        "problem": reading.problem,
        "warnings": reading.warnings,
        "validation_errors": reading.errors,
        "validation_warnings": reading.findings_warnings,
        "validation_rules": reading.checked,
        "signature_valid": reading.signature_valid,
    }
    if not invoice:
        values["search"] = _cut(fold(message.details), 600)
    else:
        values["search"] = _cut(
            search_text(
                values["seller_name"],
                values["number"],
                values["seller_cif"],
                values["buyer_name"],
                values["buyer_cif"],
            ),
            600,
        )
    now = values["created"] = clock.now()
    with transaction.atomic():
        # A message read the first time has no rows to replace: its invoice is inserted unless the message
        # has one already (the insert skips the unique message's conflict), then that one is rewritten. One
        # run holds the company (the sync's lease), so nothing else writes it in between. The rows are written
        # by statements prepared once (`hub.core.rows`): compiling Django's queries again for every document
        # cost more CPU than the database's work.
        row = Invoice(message=message, **values)
        if not rows.row_insert(row, skip_conflict=True):
            row = Invoice.objects.get(message=message)
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            row.parties.all().delete()
            row.lines.all().delete()
            row.vat_breakdown.all().delete()
        if invoice:
            _write_details(row, invoice)
        rows.row_update(Message, message.pk, state=MessageState.ARCHIVED, archived_at=now, last_error="")
    return row


def _write_details(row: Invoice, invoice: einvoice.Invoice) -> None:
    parties = []
    for role, party in ((PartyRole.SELLER, invoice.seller), (PartyRole.BUYER, invoice.buyer)):
        parties.append(_party(row, role, party))
    if invoice.payee is not None:
        parties.append(_party(row, PartyRole.PAYEE, invoice.payee))
    if invoice.payment_means and invoice.payment_means[0].iban:
        parties[0].iban = _cut(invoice.payment_means[0].iban, 40)
    rows.rows_insert(parties)
    rows.rows_insert(
        InvoiceLine(
            invoice=row,
            position=position,
            line_id=_cut(line.id, 50),
            name=_cut(line.name, 500),
            description=line.description or "",
            quantity=_decimal(line.quantity, "0.000001"),
            unit_code=_cut(line.unit_code, 10),
            price=_decimal(line.price, "0.000001"),
            net_amount=_money(line.net_amount),
            vat_category=_cut(line.vat_category, 5),
            vat_rate=_decimal(line.vat_rate, "0.001"),
        )
        for position, line in enumerate(invoice.lines, start=1)
    )
    rows.rows_insert(
        InvoiceVat(
            invoice=row,
            category=_cut(subtotal.category, 5),
            rate=_decimal(subtotal.rate, "0.001"),
            taxable=_money(subtotal.taxable),
            tax=_money(subtotal.tax),
            exemption_reason=_cut(subtotal.exemption_reason, 500),
        )
        for subtotal in invoice.tax_breakdown
    )


def _party(row: Invoice, role: str, party: einvoice.Party) -> InvoiceParty:
    address = party.address
    contact = party.contact
    return InvoiceParty(
        invoice=row,
        role=role,
        name=_cut(party.name, 300),
        vat_id=_cut(party.vat_id or party.tax_registration_id, 40),
        registration_id=_cut(party.registration_id, 100),
        street=_cut(address.street, 300),
        city=_cut(address.city, 100),
        county=_cut(address.county, 20),
        country=_cut(address.country, 2),
        email=_cut(contact.email if contact else "", 200),
    )


EN16931 = "en16931"


def invoice_en16931_check(*, invoice: Invoice) -> list[dict[str, str]]:
    """Check the archived document against CEN EN 16931 and return every finding (all are warnings: ANAF
    decides by CIUS-RO). The new ones join the invoice's warnings and the rule set is recorded as run.

    Raises `einvoice.UnsafeArchive` for an archive that cannot be opened safely.
    """
    report = einvoice.validate(documents.contents(invoice).xml, rules=EN16931)
    found = [*report.errors, *report.warnings][:MAX_VALIDATION_FINDINGS]
    findings = [finding_as_dict(item) for item in found]
    with transaction.atomic():
        row = Invoice.objects.select_for_update().get(pk=invoice.pk)
        known = {(item.get("rule"), item.get("location")) for item in row.validation_errors}
        known |= {(item.get("rule"), item.get("location")) for item in row.validation_warnings}
        added = [item for item in findings if (item["rule"], item["location"]) not in known]
        row.validation_warnings = [*row.validation_warnings, *added][:MAX_VALIDATION_FINDINGS]
        if EN16931 not in row.validation_rules:
            row.validation_rules = [*row.validation_rules, EN16931]
        if added and row.state == InvoiceState.OK:
            row.state = InvoiceState.WARNINGS
        row.save(update_fields=["validation_warnings", "validation_rules", "state"])
    invoice.validation_warnings, invoice.validation_rules, invoice.state = (
        row.validation_warnings,
        row.validation_rules,
        row.state,
    )
    return findings
