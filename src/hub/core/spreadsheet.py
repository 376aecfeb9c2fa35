"""The one CSV writer and XLSX cell of the hub: every export goes through them, so no cell can run as a
spreadsheet formula.

OWASP's rule for CSV injection: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading single quote, and every cell is quoted. Numbers stay numbers (a negative total is
not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # spreadsheet programs then read the diacritics right


def neutralize(value: Any) -> Any:
    """The cell as written: text that a spreadsheet would evaluate is prefixed with `'`."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _written(value: Any, decimal_mark: str) -> Any:
    cell = neutralize(value)
    if isinstance(cell, Decimal | float):
        return str(cell).replace(".", decimal_mark)
    return cell


def csv_lines(
    header: Iterable[str], rows: Iterable[Iterable[Any]], *, delimiter: str = ",", decimal_mark: str = "."
) -> Iterator[str]:
    """CSV text, one line per yield (the first with a BOM and the header), for streaming responses.

    Romanian spreadsheet programs expect `delimiter=";"` and `decimal_mark=","` (the comma is their
    decimal mark, so it cannot separate cells).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)

    def line(cells: Iterable[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_written(cell, decimal_mark) for cell in cells])
        return buffer.getvalue()

    yield BOM + line(header)
    for row in rows:
        yield line(row)


def xlsx_cell(sheet: Any, value: object) -> object:
    """A write-only XLSX cell: dates and amounts as Excel values in Romanian formats, text never a formula."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))  # Excel has no time zones: local time
        cell.number_format = "dd.mm.yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "dd.mm.yyyy"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralize(value))
        cell.data_type = "s"  # a leading `=` stays text: openpyxl would otherwise write a formula
        return cell
    return neutralize(value)
