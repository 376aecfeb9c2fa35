"""Invoices the tests need, made by `einvoice`'s own builder: nothing is read from outside the repository.

- `ro_invoice()`: a CIUS-RO invoice in RON that ANAF's rules accept (two VAT rates, a document charge, a
  line discount); `ro_invoice_xml()` its UBL bytes.
- `foreign_currency_invoice()`: in EUR with RON as tax currency, an embedded PDF, a payee and a tax
  representative.
- `write_invoice()`: the bytes on disk, for the command-line tests.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from einvoice import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    DocumentKind,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    build_ubl,
    compute_totals,
)

SELLER_VAT_ID = "RO18547290"
BUYER_CIF = "8609468"
# Starts like a PDF and is long enough to tell "size known" from "empty" (BT-125 is base64 in the XML).
PDF_ATTACHMENT = b"%PDF-1.4\n% made for the tests\n" + b"0" * 2000 + b"\n%%EOF\n"


def _seller(vat_id: str) -> Party:
    return Party(
        name="Furnizor Exemplu SRL",
        vat_id=vat_id,
        registration_id="J12/345/2020",
        address=Address(street="Str. Memorandumului 28", city="Cluj-Napoca", county="RO-CJ", country="RO"),
        contact=Contact(name="Ana Pop", phone="0264000000", email="ana@furnizor.example"),
    )


def _buyer() -> Party:
    return Party(
        name="Client București SA",
        registration_id=BUYER_CIF,
        address=Address(street="Bd. Unirii 1", city="SECTOR3", county="RO-B", country="RO"),
    )


def ro_invoice(
    number: str = "FCT-2026-0101",
    *,
    seller_vat_id: str = SELLER_VAT_ID,
    kind: DocumentKind = DocumentKind.INVOICE,
    lines: int = 3,
) -> Invoice:
    """A CIUS-RO invoice (or credit note) in RON with `lines` lines, totals computed by `einvoice`."""
    invoice = Invoice(
        kind=kind,
        number=number,
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        currency="RON",
        notes=["Mulțumim pentru colaborare!"],
        buyer_reference="REF-CUMPARATOR",
        preceding_invoice="FCT-2026-0100" if kind is DocumentKind.CREDIT_NOTE else None,
        seller=_seller(seller_vat_id),
        buyer=_buyer(),
        payment_means=[PaymentMeans(code="30", iban="RO49AAAA1B31007593840000", payment_id=number)],
        payment_terms="30 de zile de la emitere",
        allowances_charges=[
            AllowanceCharge(
                is_charge=True,
                amount=Decimal("10.00"),
                reason="Transport",
                vat_category="S",
                vat_rate=Decimal(19),
            )
        ],
        lines=[
            Line(
                id=str(n),
                name=f"Servicii de consultanță {n}",
                quantity=Decimal(2),
                unit_code="HUR",
                price=Decimal("150.00"),
                vat_category="S",
                vat_rate=Decimal(19) if n % 2 else Decimal(9),
                allowances_charges=(
                    [AllowanceCharge(is_charge=False, amount=Decimal("5.00"), reason="Discount")]
                    if n == 2
                    else []
                ),
            )
            for n in range(1, lines + 1)
        ],
    )
    return compute_totals(invoice)


def ro_invoice_xml(
    number: str = "FCT-2026-0101",
    *,
    seller_vat_id: str = SELLER_VAT_ID,
    kind: DocumentKind = DocumentKind.INVOICE,
    lines: int = 3,
) -> bytes:
    """`ro_invoice()` as UBL bytes."""
    return build_ubl(ro_invoice(number, seller_vat_id=seller_vat_id, kind=kind, lines=lines))


def foreign_currency_invoice() -> Invoice:
    """In EUR with RON as tax currency (BR-RO-030), an embedded PDF, a payee and a tax representative."""
    invoice = replace(
        ro_invoice("FCT-2026/85", lines=1),
        currency="EUR",
        tax_currency="RON",
        payee=Party(name="Cesionar Plăți SRL", registration_id="14399840"),
        tax_representative=Party(
            name="Reprezentant Fiscal SRL",
            vat_id="RO14399840",
            address=Address(street="Str. Lungă 2", city="Brașov", county="RO-BV", country="RO"),
        ),
        attachments=[
            Attachment(
                id="ANX1",
                description="Anexă",
                filename="anexa.pdf",
                mime_type="application/pdf",
                content=PDF_ATTACHMENT,
            )
        ],
    )
    return compute_totals(invoice, exchange_rate=Decimal("4.9763"))


def write_invoice(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
