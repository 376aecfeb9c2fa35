"""Exports of received invoices for accounting programs: XLSX or CSV through a column mapping, and the
signed originals as a ZIP laid out in folders; optionally marking the exported invoices as booked.

The invoices of an export are those of the journal (`hub.desk.journal.journal_invoices`): received invoices
and credit notes issued in the period, refused ones out; "only not yet booked" leaves the booked ones out
too. Amounts are signed as in the journal (a credit note negative). The CSV follows Romanian Excel:
`;` between cells, decimal comma, UTF-8 with a BOM, dates `dd.mm.yyyy`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hub.accounts.models import Company, Membership, Organization
from hub.core.spreadsheet import csv_lines, xlsx_cell
from hub.desk.journal import BASE_LABELS, FIXED_RATES, Bucket, Column, JournalRow, journal_row
from hub.desk.models import ExportMapping, ReviewState
from hub.desk.services import Outcome, reviews_open, reviews_transition
from hub.inbox.documents import original_zip, zip_name
from hub.inbox.models import Direction, DocumentKind, Invoice

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise | str
    value: Callable[[JournalRow], object]


def _amount(key: str) -> Callable[[JournalRow], object]:
    return lambda row: row.amounts.get(key, ZERO)


def _others(row: JournalRow, *, is_vat: bool) -> Decimal:
    """What the fixed amount fields do not hold (another rate, another category): nothing is lost."""
    named = {field.key for field in _AMOUNT_FIELDS}
    prefix = "vat_" if is_vat else "base_"
    return sum(
        (amount for key, amount in row.amounts.items() if key.startswith(prefix) and key not in named),
        ZERO,
    )


def _rate_fields() -> list[Field]:
    fields: list[Field] = []
    for rate in FIXED_RATES:
        bucket = Bucket(rate=rate.normalize())
        for is_vat in (False, True):
            column = Column(bucket, is_vat=is_vat)
            label = format_lazy("{} {} %", _("VAT") if is_vat else _("Base"), format(rate.normalize(), "f"))
            fields.append(Field(column.key, label, _amount(column.key)))
    for category, label in BASE_LABELS.items():
        column = Column(Bucket(category=category), is_vat=False)
        fields.append(Field(column.key, label, _amount(column.key)))
    return fields


_AMOUNT_FIELDS = _rate_fields()


def _signed(attribute: str) -> Callable[[JournalRow], object]:
    return lambda row: row.signed(getattr(row.invoice, attribute))


FIELDS: dict[str, Field] = {
    field.key: field
    for field in (
        Field("company_cif", _("Company CIF"), lambda row: row.invoice.company.cif),
        Field("company_name", _("Company"), lambda row: row.invoice.company.name),
        Field("supplier_name", _("Supplier"), lambda row: row.invoice.seller_name),
        Field("supplier_cif", _("Supplier CIF"), lambda row: row.invoice.seller_cif),
        Field("number", _("Number"), lambda row: row.invoice.number),
        Field("issue_date", _("Issue date"), lambda row: row.invoice.issue_date),
        Field("due_date", _("Due date"), lambda row: row.invoice.due_date),
        Field("document", _("Document"), lambda row: row.invoice.get_kind_display()),
        Field(
            "document_code",
            _("Document type code (380/381)"),
            lambda row: "381" if row.invoice.kind == DocumentKind.CREDIT_NOTE else "380",
        ),
        Field("currency", _("Currency"), lambda row: row.invoice.currency or "RON"),
        Field("total_without_vat", _("Total without VAT"), _signed("tax_exclusive")),
        Field("vat", _("VAT"), _signed("tax")),
        Field("total", _("Total with VAT"), _signed("payable")),
        *_AMOUNT_FIELDS,
        Field("base_other", _("Base, other rates and categories"), lambda row: _others(row, is_vat=False)),
        Field("vat_other", _("VAT, other rates and categories"), lambda row: _others(row, is_vat=True)),
        Field("message_id", _("ANAF message id"), lambda row: row.invoice.message.download_id),
        Field(
            "received_at",
            _("Received at ANAF"),
            lambda row: timezone.localtime(row.invoice.received_at).date(),
        ),
        Field("review_state", _("Review state"), lambda row: _review_state(row.invoice)),
    )
}


def _review_state(invoice: Invoice) -> str:
    review = getattr(invoice, "review", None)
    return str(review.get_state_display()) if review else str(ReviewState.TO_REVIEW.label)


@dataclass(frozen=True)
class Preset:
    key: str
    name: Promise
    columns: tuple[tuple[str, Promise | None], ...]  # field key, header (None: the field's label)

    def as_columns(self) -> list[dict[str, str]]:
        return [{"field": key, "header": str(header or FIELDS[key].label)} for key, header in self.columns]


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset("all", _("All fields"), tuple((key, None) for key in FIELDS)),
        Preset(
            "by_rate",
            _("Purchases by VAT rate"),
            (
                ("issue_date", pgettext_lazy("export header", "Data")),
                ("number", pgettext_lazy("export header", "Numar document")),
                ("document_code", pgettext_lazy("export header", "Tip")),
                ("supplier_cif", pgettext_lazy("export header", "Cod fiscal furnizor")),
                ("supplier_name", pgettext_lazy("export header", "Denumire furnizor")),
                ("base_r21", pgettext_lazy("export header", "Baza 21%")),
                ("vat_r21", pgettext_lazy("export header", "TVA 21%")),
                ("base_r19", pgettext_lazy("export header", "Baza 19%")),
                ("vat_r19", pgettext_lazy("export header", "TVA 19%")),
                ("base_r11", pgettext_lazy("export header", "Baza 11%")),
                ("vat_r11", pgettext_lazy("export header", "TVA 11%")),
                ("base_r9", pgettext_lazy("export header", "Baza 9%")),
                ("vat_r9", pgettext_lazy("export header", "TVA 9%")),
                ("base_r5", pgettext_lazy("export header", "Baza 5%")),
                ("vat_r5", pgettext_lazy("export header", "TVA 5%")),
                ("base_r0", pgettext_lazy("export header", "Baza 0%")),
                ("base_cE", pgettext_lazy("export header", "Scutit")),
                ("base_cAE", pgettext_lazy("export header", "Taxare inversa")),
                ("base_cO", pgettext_lazy("export header", "Neimpozabil")),
                ("base_other", pgettext_lazy("export header", "Baza alte cote")),
                ("vat_other", pgettext_lazy("export header", "TVA alte cote")),
                ("total", pgettext_lazy("export header", "Total")),
            ),
        ),
    )
}


def columns_of(choice: str, organization: Organization) -> tuple[str, list[dict[str, str]]]:
    """The name and columns of a mapping choice: `preset:<key>` or `saved:<id>` (of this organization);
    `LookupError` for anything else."""
    kind, _sep, value = choice.partition(":")
    if kind == "preset" and value in PRESETS:
        preset = PRESETS[value]
        return str(preset.name), preset.as_columns()
    if kind == "saved" and value.isdigit():
        mapping = ExportMapping.objects.filter(organization=organization, pk=int(value)).first()
        if mapping is not None:
            return mapping.name, [column for column in mapping.columns if column.get("field") in FIELDS]
    raise LookupError(choice)


def export_invoices(
    organization: Organization,
    *,
    company: Company | None,
    date_from: date,
    date_to: date,
    only_not_booked: bool = False,
) -> QuerySet[Invoice]:
    """The organization's received invoices and credit notes issued in the period, refused ones out."""
    reviews_open(organization)
    rows = Invoice.objects.filter(
        organization=organization,
        direction=Direction.RECEIVED,
        kind__in=(DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE),
        issue_date__gte=date_from,
        issue_date__lte=date_to,
    ).exclude(review__state=ReviewState.REFUSED)
    if company is not None:
        rows = rows.filter(company=company)
    if only_not_booked:
        rows = rows.exclude(review__state=ReviewState.BOOKED)
    return (
        rows.select_related("company", "message", "review")
        .prefetch_related("vat_breakdown")
        .order_by("company__cif", "issue_date", "seller_name", "number", "pk")
    )


def _values(invoices: Iterable[Invoice], columns: list[dict[str, str]]) -> Iterable[list[object]]:
    for invoice in invoices:
        row = journal_row(invoice)
        yield [FIELDS[column["field"]].value(row) for column in columns]


def export_csv(invoices: Iterable[Invoice], columns: list[dict[str, str]]) -> bytes:
    """Romanian Excel CSV: `;`, decimal comma, UTF-8 with a BOM, `dd.mm.yyyy`; formula-safe."""
    rows = ([_csv_cell(value) for value in values] for values in _values(invoices, columns))
    text = "".join(csv_lines([column["header"] for column in columns], rows, delimiter=";", decimal_mark=","))
    return text.encode("utf-8")


def _csv_cell(value: object) -> object:
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return value


def export_xlsx(invoices: Iterable[Invoice], columns: list[dict[str, str]], *, title: str) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.append([xlsx_cell(sheet, column["header"]) for column in columns])
    for values in _values(invoices, columns):
        sheet.append([xlsx_cell(sheet, value) for value in values])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", title)[:31] or "Export"


# The folder layouts a user may pick for the ZIP of originals.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "company/year/month/supplier": ("company", "year", "month", "supplier"),
    "company/year/month": ("company", "year", "month"),
    "company/supplier": ("company", "supplier"),
    "year/month/company": ("year", "month", "company"),
    "company": ("company",),
    "flat": (),
}
LAYOUT_LABELS: dict[str, Promise] = {
    "company/year/month/supplier": _("company / year / month / supplier"),
    "company/year/month": _("company / year / month"),
    "company/supplier": _("company / supplier"),
    "year/month/company": _("year / month / company"),
    "company": _("company"),
    "flat": _("all in one folder"),
}
_UNSAFE = re.compile(r"[^\w .,()&+-]+")


def safe_part(text: str) -> str:
    """A folder or file name that every system opens: no separators, no leading dots, at most 80 chars."""
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "_"
    return cleaned[:80]


def zip_path(invoice: Invoice, layout: str) -> str:
    issued = invoice.issue_date or timezone.localtime(invoice.received_at).date()
    parts = {
        "company": f"{invoice.company.cif} {invoice.company.name}",
        "year": f"{issued.year}",
        "month": f"{issued.month:02d}",
        "supplier": f"{invoice.seller_name or '?'} ({invoice.seller_cif or '?'})",
    }
    folders = [safe_part(parts[name]) for name in LAYOUTS[layout]]
    name = safe_part(f"{invoice.number or invoice.pk} {zip_name(invoice)}")
    return "/".join([*folders, name])


def export_zip(invoices: Iterable[Invoice], layout: str, *, csv_columns: list[dict[str, str]]) -> bytes:
    """Each signed ANAF ZIP, byte for byte, in the chosen folders, and the export's CSV at the top."""
    if layout not in LAYOUTS:
        raise LookupError(layout)
    chosen = list(invoices)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as bundle:
        for invoice in chosen:
            bundle.writestr(zip_path(invoice, layout), original_zip(invoice))
        bundle.writestr("facturi.csv", export_csv(chosen, csv_columns))
    return output.getvalue()


def exported_mark_booked(*, membership: Membership, invoices: Iterable[Invoice]) -> Outcome:
    """Book the exported invoices through the desk's own transition (trail and webhooks included)."""
    return reviews_transition(
        membership=membership, invoice_ids=[invoice.pk for invoice in invoices], to_state=ReviewState.BOOKED
    )
