"""The purchases journal as files: an Excel workbook (openpyxl) and an A4 landscape PDF (a Django template
laid out by WeasyPrint)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from einvoice.render import html_pdf
from hub.core.spreadsheet import neutralize
from hub.desk.journal import Journal, JournalRow

MONEY = "#,##0.00"


def fixed_headers() -> list[str]:
    return [
        _("No."),
        _("Issue date"),
        _("Number"),
        _("Document"),
        _("Supplier"),
        _("Supplier CIF"),
        _("Currency"),
        _("Total with VAT"),
    ]


def row_cells(number: int, row: JournalRow, journal: Journal) -> list[object]:
    """The typed values of one journal row (date, text, signed decimals)."""
    invoice = row.invoice
    return [
        number,
        invoice.issue_date,
        invoice.number,
        invoice.get_kind_display(),
        invoice.seller_name,
        invoice.seller_cif,
        invoice.currency or "RON",
        row.total,
        *(row.amounts.get(column.key, Decimal("0.00")) for column in journal.columns),
    ]


def journal_title(journal: Journal) -> str:
    return _("Purchases journal %(month)02d.%(year)d") % {"month": journal.month, "year": journal.year}


def journal_xlsx(journal: Journal, *, language: str = "ro") -> bytes:
    """One sheet: a title, the header, one row per invoice, then a totals row per currency."""
    workbook = openpyxl.Workbook(write_only=True)
    with translation.override(language):
        sheet = workbook.create_sheet(title=str(_("Purchases journal"))[:31])
        bold = Font(bold=True)
        title = WriteOnlyCell(
            sheet, value=f"{journal_title(journal)} · {journal.company.name} ({journal.company.cif})"
        )
        title.font = bold
        sheet.append([title])
        header = [*fixed_headers(), *(column.label for column in journal.columns)]
        sheet.append([_bold(sheet, text, bold) for text in header])
        for number, row in enumerate(journal.rows, start=1):
            sheet.append([_cell(sheet, value) for value in row_cells(number, row, journal)])
        for currency, totals in journal.totals.items():
            values: list[object] = [_("Total"), None, None, None, None, None, currency, totals["total"]]
            values += [totals[column.key] for column in journal.columns]
            sheet.append([_bold(sheet, value, bold) for value in values])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _bold(sheet: Any, value: object, font: Font) -> Any:
    cell = _cell(sheet, value)
    cell.font = font
    return cell


def _cell(sheet: Any, value: object) -> Any:
    """A typed cell: amounts with two decimals, dates as `dd.mm.yyyy`, text never a formula."""
    cell = WriteOnlyCell(sheet, value=neutralize(value) if isinstance(value, str) else value)
    if isinstance(value, Decimal):
        cell.number_format = MONEY
    elif isinstance(value, date):
        cell.number_format = "dd.mm.yyyy"
    elif isinstance(value, str):
        cell.data_type = "s"  # a leading `=` stays text
    return cell


def journal_html(journal: Journal, *, language: str = "ro") -> str:
    with translation.override(language):
        return render_to_string(
            "desk/journal_pdf.html",
            {
                "journal": journal,
                "title": journal_title(journal),
                "headers": fixed_headers(),
                "width": len(fixed_headers()) + len(journal.columns),
                "rows": [
                    (number, row, [row.amounts.get(c.key, Decimal("0.00")) for c in journal.columns])
                    for number, row in enumerate(journal.rows, start=1)
                ],
                "totals": [
                    (currency, totals, [totals[c.key] for c in journal.columns])
                    for currency, totals in journal.totals.items()
                ],
            },
        )


def journal_pdf(journal: Journal, *, language: str = "ro") -> bytes:
    """An A4 landscape PDF of the journal (WeasyPrint through `einvoice.render.html_pdf`: fetches nothing
    but the font files)."""
    return html_pdf(journal_html(journal, language=language))
