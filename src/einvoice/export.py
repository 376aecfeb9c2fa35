"""The JSON shape of a parsed invoice (``efactura invoice parse --json``), a stable contract.

Amounts are decimal strings exactly as the document wrote them (``"100.00"`` stays ``"100.00"``, ``"800"``
stays ``"800"``), dates ``YYYY-MM-DD``, and a term the document lacks is ``null``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .model import Address, Invoice, Party


def _amount(value: Decimal | None) -> str | None:
    # Fixed-point formatting keeps the written scale and never switches to exponent notation.
    return None if value is None else f"{value:f}"


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _address(address: Address) -> dict[str, Any]:
    return {
        "street": address.street,
        "city": address.city,
        "county": address.county,
        "postal_code": address.postal_code,
        "country": address.country,
    }


def _party(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "vat_id": party.vat_id,
        "registration_id": party.registration_id,
        "address": _address(party.address),
    }


def invoice_to_dict(invoice: Invoice) -> dict[str, Any]:
    """A JSON-ready dict of the invoice's main terms, plus its reading ``warnings``."""
    totals = invoice.totals
    return {
        "kind": invoice.kind.value,
        "syntax": invoice.syntax.value,
        "type_code": invoice.type_code,
        "number": invoice.number,
        "issue_date": _date(invoice.issue_date),
        "due_date": _date(invoice.due_date),
        "currency": invoice.currency,
        "tax_currency": invoice.tax_currency,
        "seller": _party(invoice.seller),
        "buyer": _party(invoice.buyer),
        "totals": {
            "line_extension": _amount(totals.line_extension),
            "allowances": _amount(totals.allowances),
            "charges": _amount(totals.charges),
            "tax_exclusive": _amount(totals.tax_exclusive),
            "tax": _amount(totals.tax),
            "tax_inclusive": _amount(totals.tax_inclusive),
            "prepaid": _amount(totals.prepaid),
            "rounding": _amount(totals.rounding),
            "payable": _amount(totals.payable),
        },
        "tax_breakdown": [
            {
                "category": subtotal.category,
                "rate": _amount(subtotal.rate),
                "taxable": _amount(subtotal.taxable),
                "tax": _amount(subtotal.tax),
            }
            for subtotal in invoice.tax_breakdown
        ],
        "lines": [
            {
                "id": line.id,
                "name": line.name,
                "quantity": _amount(line.quantity),
                "unit_code": line.unit_code,
                "price": _amount(line.price),
                "net_amount": _amount(line.net_amount),
                "vat_category": line.vat_category,
                "vat_rate": _amount(line.vat_rate),
            }
            for line in invoice.lines
        ],
        "warnings": list(invoice.warnings),
    }
