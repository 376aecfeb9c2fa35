"""Supplier documents for the journal and export tests, built with `einvoice.build_ubl`: several VAT rates,
exempt and reverse-charge lines, a rate outside the usual list, credit notes and a negative invoice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import einvoice
from einvoice import Address, DocumentKind, Line, Party, PaymentMeans

SUPPLIERS = {
    "18547290": "Furnizor Demo SRL",
    "14399840": "Materiale Ardeal SA",
}


def _party(cif: str, name: str, county: str = "RO-CJ") -> Party:
    city = "SECTOR1" if county == "RO-B" else "Cluj-Napoca"
    return Party(
        name=name,
        vat_id=f"RO{cif}",
        registration_id="J12/345/2020",
        address=Address(street="Str. Memorandumului 28", city=city, county=county, country="RO"),
    )


def supplier_document(
    number: str,
    issued: date,
    lines: list[tuple[str, str, str, str | None]],  # (price, quantity, category, rate)
    *,
    seller_cif: str = "18547290",
    buyer_cif: str,
    credit_note: bool = False,
) -> bytes:
    invoice = einvoice.Invoice(
        kind=DocumentKind.CREDIT_NOTE if credit_note else DocumentKind.INVOICE,
        type_code="381" if credit_note else "380",
        number=number,
        issue_date=issued,
        due_date=issued + timedelta(days=30),
        currency="RON",
        preceding_invoice="FCT-2026-0001" if credit_note else None,
        seller=_party(seller_cif, SUPPLIERS[seller_cif]),
        buyer=_party(buyer_cif, "Alfa Construcții Ardeal SRL", "RO-B"),
        payment_means=[PaymentMeans(code="31", iban="RO49AAAA1B31007593840000")],
        lines=[
            Line(
                id=str(position),
                name=f"Articol {position}",
                quantity=Decimal(quantity),
                unit_code="H87",
                price=Decimal(price),
                vat_category=category,
                vat_rate=None if rate is None else Decimal(rate),
            )
            for position, (price, quantity, category, rate) in enumerate(lines, start=1)
        ],
    )
    return einvoice.build_ubl(einvoice.compute_totals(invoice))
