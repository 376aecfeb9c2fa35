"""Compute the derived amounts of an invoice being built: line nets, VAT breakdown and totals.

EN 16931 arithmetic: BT-131 = BT-129 x BT-146 / BT-149 - line allowances + line charges,
BG-23 per (category, rate) with BT-116 = sum of line nets + charges - allowances (BR-S-08),
BT-117 = BT-116 x BT-119 / 100 rounded half-up to cents, BT-109 = BT-106 - BT-107 + BT-108 (BR-CO-13),
BT-112 = BT-109 + BT-110 (BR-CO-15), BT-115 = BT-112 - BT-113 + BT-114 (BR-CO-16).
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal

from .model import Invoice, TaxSubtotal

_CENT = Decimal("0.01")
_ZERO_TAX_CATEGORIES = frozenset({"Z", "E", "AE", "K", "G", "O"})
# The exemption code a category means by itself (CEN VATEX list); "E" needs the seller's own reason.
_DEFAULT_EXEMPTION = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O"}


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def compute_totals(invoice: Invoice, *, exchange_rate: Decimal | None = None) -> Invoice:
    """A copy of ``invoice`` with BT-131 (where missing), BG-23 and BG-22 computed from lines and allowances.

    ``exchange_rate`` (RON per unit of the invoice currency) fills BT-111 for a foreign-currency invoice.
    Exemption reasons already present in the VAT breakdown are kept per category.
    """
    result = copy.deepcopy(invoice)
    for line in result.lines:
        if line.net_amount is None and line.quantity is not None and line.price is not None:
            base = line.base_quantity or Decimal(1)
            net = line.quantity * line.price / base
            for item in line.allowances_charges:
                amount = item.amount or Decimal(0)
                net += amount if item.is_charge else -amount
            line.net_amount = _cents(net)

    known_reasons = {sub.category: sub for sub in invoice.tax_breakdown}
    groups: dict[tuple[str | None, Decimal | None], Decimal] = {}
    for line in result.lines:
        key = (line.vat_category, line.vat_rate)
        groups[key] = groups.get(key, Decimal(0)) + (line.net_amount or Decimal(0))
    for item in result.allowances_charges:
        key = (item.vat_category, item.vat_rate)
        amount = item.amount or Decimal(0)
        groups[key] = groups.get(key, Decimal(0)) + (amount if item.is_charge else -amount)

    breakdown: list[TaxSubtotal] = []
    for (category, rate), taxable in groups.items():
        zero = category in _ZERO_TAX_CATEGORIES or rate is None
        tax = Decimal("0.00") if zero else _cents(taxable * (rate or Decimal(0)) / 100)
        known = known_reasons.get(category)
        breakdown.append(
            TaxSubtotal(
                category=category,
                rate=None if category == "O" else rate,
                taxable=_cents(taxable),
                tax=tax,
                exemption_reason=known.exemption_reason if known else None,
                exemption_reason_code=(
                    known.exemption_reason_code if known else _DEFAULT_EXEMPTION.get(category or "")
                ),
            )
        )
    result.tax_breakdown = breakdown

    totals = result.totals
    totals.line_extension = _cents(sum((line.net_amount or Decimal(0) for line in result.lines), Decimal(0)))
    allowances = [item.amount or Decimal(0) for item in result.allowances_charges if not item.is_charge]
    charges = [item.amount or Decimal(0) for item in result.allowances_charges if item.is_charge]
    totals.allowances = _cents(sum(allowances, Decimal(0))) if allowances else None
    totals.charges = _cents(sum(charges, Decimal(0))) if charges else None
    totals.tax_exclusive = totals.line_extension - (totals.allowances or 0) + (totals.charges or 0)
    totals.tax = _cents(sum((sub.tax or Decimal(0) for sub in breakdown), Decimal(0)))
    totals.tax_inclusive = totals.tax_exclusive + totals.tax
    totals.payable = totals.tax_inclusive - (totals.prepaid or 0) + (totals.rounding or 0)
    if exchange_rate is not None and result.currency not in (None, "RON"):
        totals.tax_in_tax_currency = _cents(totals.tax * exchange_rate)
    return result
