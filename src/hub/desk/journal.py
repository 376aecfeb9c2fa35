"""The purchases journal ("Jurnal de cumpărări") of one company and one month, from the received invoices.

One row per received invoice or credit note whose issue date (BT-2) falls in the month, refused ones left
out (they do not enter the books). Each VAT breakdown line (BG-23) lands in exactly one bucket, so the
journal's columns add up to the invoices' own breakdowns to the last ban:

- a taxed bucket per rate (BT-119) of the categories S and Z: 21 %, 19 %, 11 %, 9 %, 5 %, 0 % always, and
  any other rate met in the month in a column of its own, base and VAT;
- a bucket per other category (BT-118): E (exempt), AE (reverse charge), O (outside the scope) always,
  K (intra-EU), G (export) and any other code when met, base only unless a line of it carries VAT.

A credit note (type 381) is written with negative amounts; an invoice with negative amounts (a correction
filed as type 380) keeps its sign. Amounts are in the invoice's currency; totals are per currency.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Company
from hub.desk.models import ReviewState
from hub.inbox.models import Direction, DocumentKind, Invoice, InvoiceVat

FIXED_RATES = tuple(Decimal(rate) for rate in ("21", "19", "11", "9", "5", "0"))
TAXED_CATEGORIES = frozenset({"S", "Z"})
FIXED_CATEGORIES = ("E", "AE", "O", "K", "G")  # in this order; K and G get a column only when met
ALWAYS_SHOWN_CATEGORIES = ("E", "AE", "O")
CATEGORY_LABELS = {
    "E": _("Exempt (E)"),
    "AE": _("Reverse charge (AE)"),
    "O": _("Outside the scope (O)"),
    "K": _("Intra-EU (K)"),
    "G": _("Export (G)"),
}
BASE_LABELS = {
    "E": _("Base exempt (E)"),
    "AE": _("Base reverse charge (AE)"),
    "O": _("Base outside the scope (O)"),
    "K": _("Base intra-EU (K)"),
    "G": _("Base export (G)"),
}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Bucket:
    """Where a breakdown line goes: a rate of S/Z (`rate`) or another category (`category`)."""

    rate: Decimal | None = None
    category: str = ""

    @property
    def key(self) -> str:
        return f"r{_rate_text(self.rate)}" if self.rate is not None else f"c{self.category}"

    @property
    def label(self) -> str:
        if self.rate is not None:
            return f"{_rate_text(self.rate)} %"
        return str(CATEGORY_LABELS.get(self.category, self.category or "?"))


def _rate_text(rate: Decimal | None) -> str:
    """`21`, `9`, `8.5`: the rate without trailing zeros."""
    if rate is None:
        return ""
    return format(rate.normalize(), "f")


def bucket_of(vat: InvoiceVat) -> Bucket:
    category = (vat.category or "").upper()
    if category in TAXED_CATEGORIES or (not category and vat.rate is not None):
        return Bucket(rate=(vat.rate or Decimal(0)).normalize())
    return Bucket(category=category or "?")


@dataclass(frozen=True)
class Column:
    """One amount column: the base or the VAT of a bucket."""

    bucket: Bucket
    is_vat: bool

    @property
    def key(self) -> str:
        return f"{'vat' if self.is_vat else 'base'}_{self.bucket.key}"

    @property
    def label(self) -> str:
        if not self.is_vat and self.bucket.category in BASE_LABELS:
            return str(BASE_LABELS[self.bucket.category])
        return f"{_('VAT') if self.is_vat else _('Base')} {self.bucket.label}"


@dataclass
class JournalRow:
    invoice: Invoice
    sign: int
    amounts: dict[str, Decimal] = field(default_factory=dict)  # Column.key -> signed amount

    @property
    def is_credit_note(self) -> bool:
        return self.invoice.kind == DocumentKind.CREDIT_NOTE

    @property
    def total(self) -> Decimal | None:
        """The payable amount (BT-115) with the row's sign."""
        return self.signed(self.invoice.payable)

    def signed(self, value: Decimal | None) -> Decimal | None:
        return None if value is None else value * self.sign


@dataclass
class Journal:
    company: Company
    year: int
    month: int
    rows: list[JournalRow]
    columns: list[Column]
    totals: dict[str, dict[str, Decimal]]  # currency -> Column.key -> total ("total"/"base"/"vat" too)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


def journal_invoices(company: Company, first: date, last: date) -> QuerySet[Invoice]:
    """The received invoices and credit notes of `company` issued from `first` to `last`, refused ones out."""
    return (
        Invoice.objects.filter(
            company=company,
            direction=Direction.RECEIVED,
            kind__in=(DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE),
            issue_date__gte=first,
            issue_date__lte=last,
        )
        .exclude(review__state=ReviewState.REFUSED)
        .select_related("company", "message")
        .prefetch_related("vat_breakdown")
        .order_by("issue_date", "seller_name", "number", "pk")
    )


def sign_of(invoice: Invoice) -> int:
    return -1 if invoice.kind == DocumentKind.CREDIT_NOTE else 1


def purchases_journal(company: Company, year: int, month: int) -> Journal:
    """The journal of `company` for the month (by issue date)."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return journal_of(company, year, month, journal_invoices(company, first, last))


def journal_row(invoice: Invoice) -> JournalRow:
    """The invoice's breakdown lines summed per bucket, signed (a credit note negative)."""
    row = JournalRow(invoice=invoice, sign=sign_of(invoice))
    for vat in invoice.vat_breakdown.all():
        bucket = bucket_of(vat)
        base_key = Column(bucket, is_vat=False).key
        vat_key = Column(bucket, is_vat=True).key
        row.amounts[base_key] = row.amounts.get(base_key, ZERO) + (vat.taxable or ZERO) * row.sign
        row.amounts[vat_key] = row.amounts.get(vat_key, ZERO) + (vat.tax or ZERO) * row.sign
    return row


def journal_of(company: Company, year: int, month: int, invoices: Iterable[Invoice]) -> Journal:
    rows: list[JournalRow] = []
    buckets: set[Bucket] = {Bucket(rate=rate.normalize()) for rate in FIXED_RATES}
    buckets |= {Bucket(category=category) for category in ALWAYS_SHOWN_CATEGORIES}
    vat_buckets: set[Bucket] = set()
    for invoice in invoices:
        row = journal_row(invoice)
        for vat in invoice.vat_breakdown.all():
            bucket = bucket_of(vat)
            buckets.add(bucket)
            if vat.tax:
                vat_buckets.add(bucket)
        rows.append(row)
    columns: list[Column] = []
    for bucket in _ordered(buckets):
        columns.append(Column(bucket, is_vat=False))
        if bucket.rate is not None or bucket in vat_buckets:
            columns.append(Column(bucket, is_vat=True))
    return Journal(company, year, month, rows, columns, _totals(rows, columns))


def _ordered(buckets: Iterable[Bucket]) -> list[Bucket]:
    """Rates from the highest down, then the fixed categories in their order, then any other category."""
    rates = sorted((b for b in buckets if b.rate is not None), key=lambda b: b.rate or 0, reverse=True)
    known = {b.category: b for b in buckets if b.rate is None}
    others = sorted(c for c in known if c not in FIXED_CATEGORIES)
    return [*rates, *(known[c] for c in FIXED_CATEGORIES if c in known), *(known[c] for c in others)]


def _totals(rows: list[JournalRow], columns: list[Column]) -> dict[str, dict[str, Decimal]]:
    totals: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        currency = row.invoice.currency or "RON"
        line = totals.setdefault(
            currency, {"total": ZERO, "base": ZERO, "vat": ZERO, **{c.key: ZERO for c in columns}}
        )
        line["total"] += row.signed(row.invoice.payable) or ZERO
        for column in columns:
            amount = row.amounts.get(column.key, ZERO)
            line[column.key] += amount
            line["vat" if column.is_vat else "base"] += amount
    return dict(sorted(totals.items(), key=lambda item: (item[0] != "RON", item[0])))
