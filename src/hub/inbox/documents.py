"""The files of an archived message: the original ZIP, the XML and signature inside it, a rendered PDF.

XML and signature are always read back from the stored ZIP (the one source of truth). PDFs are rendered
in the worker and kept in the archive storage beside the ZIP (`services.rendering`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

import einvoice
from hub.core.spreadsheet import csv_lines, xlsx_cell
from hub.documents import archive
from hub.inbox.models import Invoice
from hub.inbox.wording import problem_sentences


@dataclass
class Contents:
    xml_name: str
    xml: bytes
    signature_name: str | None
    signature: bytes | None


def original_zip(invoice: Invoice) -> bytes:
    return archive.blob_get(invoice.message.zip_sha256)


def zip_name(invoice: Invoice) -> str:
    return f"{invoice.message.download_id}.zip"


def contents(invoice: Invoice) -> Contents:
    opened = einvoice.open_anaf_zip(original_zip(invoice))
    return Contents(
        xml_name=opened.xml_name or f"{invoice.message.download_id}.xml",
        xml=opened.xml,
        signature_name=opened.signature_name,
        signature=opened.signature,
    )


EXPORT_COLUMNS = (
    ("id", _("Id")),
    ("company_cif", _("Company CIF")),
    ("message_id", _("ANAF message id")),
    ("direction", _("Direction")),
    ("kind", _("Document")),
    ("state", _("State")),
    ("number", _("Number")),
    ("issue_date", _("Issue date")),
    ("due_date", _("Due date")),
    ("seller_name", _("Supplier")),
    ("seller_cif", _("Supplier CIF")),
    ("buyer_name", _("Customer")),
    ("buyer_cif", _("Customer CIF")),
    ("currency", _("Currency")),
    ("tax_exclusive", _("Total without VAT")),
    ("tax", _("VAT")),
    ("payable", _("Payable")),
    ("received_at", _("Received at ANAF")),
    ("problem", _("Problem")),
)


@dataclass(frozen=True)
class CsvDialect:
    """How a spreadsheet program of the user's language reads CSV."""

    delimiter: str
    decimal_mark: str
    date_format: str
    datetime_format: str


CSV_DIALECTS = {
    "ro": CsvDialect(";", ",", "%d.%m.%Y", "%d.%m.%Y %H:%M"),
    "en": CsvDialect(",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M"),
}


def export_header() -> list[str]:
    """The column titles in the active language."""
    return [str(label) for _key, label in EXPORT_COLUMNS]


def csv_rows(invoices: Iterable[Invoice], *, language: str = "ro") -> Iterator[str]:
    """CSV lines (UTF-8 with a BOM, the header in `language`), streamed through the formula-safe writer.

    Romanian: `;` between cells, decimal comma, `dd.mm.yyyy` dates, as Romanian Excel opens a file.
    """
    dialect = CSV_DIALECTS["en" if language.startswith("en") else "ro"]
    with translation.override(language):
        header = export_header()
    return csv_lines(
        header,
        (_csv_cells(invoice, dialect, language) for invoice in invoices),
        delimiter=dialect.delimiter,
        decimal_mark=dialect.decimal_mark,
    )


def _cells(invoice: Invoice) -> list[object]:
    """One row of an export as typed values (dates, aware datetimes, decimals)."""
    return [
        invoice.pk,
        invoice.company.cif,
        invoice.message.download_id,
        invoice.get_direction_display(),
        invoice.get_kind_display(),
        invoice.get_state_display(),
        invoice.number,
        invoice.issue_date,
        invoice.due_date,
        invoice.seller_name,
        invoice.seller_cif,
        invoice.buyer_name,
        invoice.buyer_cif,
        invoice.currency,
        invoice.tax_exclusive,
        invoice.tax,
        invoice.payable,
        timezone.localtime(invoice.received_at),
        problem_text(invoice)[:500],
    ]


def problem_text(invoice: Invoice) -> str:
    """The recorded problem as the detail page words it, in the active language, on one line."""
    if not invoice.problem:
        return ""
    sentence, detail = problem_sentences(invoice.problem, invoice.kind)
    return " ".join(part for part in (str(sentence), detail) if part).replace("\n", " ")


def _csv_cells(invoice: Invoice, dialect: CsvDialect, language: str) -> list[object]:
    with translation.override(language):
        cells = _cells(invoice)
    return [_csv_cell(cell, dialect) for cell in cells]


def _csv_cell(cell: object, dialect: CsvDialect) -> object:
    if isinstance(cell, datetime):
        return cell.strftime(dialect.datetime_format)
    if isinstance(cell, date):
        return cell.strftime(dialect.date_format)
    return cell


def xlsx_of(invoices: Iterable[Invoice], *, language: str = "ro") -> bytes:
    """The CSV's rows in an Excel workbook: numbers and dates typed, text never a formula."""
    workbook = openpyxl.Workbook(write_only=True)
    with translation.override(language):
        sheet = workbook.create_sheet(title=str(_("Invoices"))[:31])
        sheet.append(export_header())
        for invoice in invoices:
            sheet.append([xlsx_cell(sheet, cell) for cell in _cells(invoice)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def zip_of_originals(invoices: Iterable[Invoice], *, language: str = "ro") -> bytes:
    """One ZIP holding each original ANAF ZIP as `<company cif>/<message id>.zip`, plus the CSV."""
    chosen = list(invoices)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as bundle:
        for invoice in chosen:
            bundle.writestr(f"{invoice.company.cif}/{zip_name(invoice)}", original_zip(invoice))
        bundle.writestr("facturi.csv", "".join(csv_rows(chosen, language=language)).encode("utf-8"))
    return output.getvalue()
