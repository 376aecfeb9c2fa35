"""`{% inbox_rows invoices invoice_base %}`: the list's table rows, written in Python.

A page of 50 rows through template tags and filters costs more than its queries (some 1,500 nodes, each
resolving its variables and filters); this renders the same HTML, escaped the same way, with the labels,
the choices' names and the date formats looked up once per page instead of once per cell.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime
from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils import dateformat, formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs
from django.utils.translation import gettext

from hub.inbox.models import Direction, DocumentKind, Invoice, InvoiceState

register = template.Library()

STATE_BADGES = {"ok": "ok", "warnings": "warn"}  # any other state is "bad"


def _text(value: Any) -> str:
    """`{{ value }}` of a text field: escaped."""
    return escape(str(value))


def _first(*values: Any) -> str:
    """`{% firstof %}`: the first non-empty value, escaped; nothing when all are empty."""
    for value in values:
        if value:
            return escape(str(value))
    return ""


# Django's date format letters that `strftime` writes identically (zero-padded numbers), and the separators.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M"}
_LITERAL = set(" .,:/-")


@functools.cache  # a handful of formats, asked for on every cell
def _strftime(form: str) -> str | None:
    """`form` as a `strftime` pattern when it has only the letters above (Romanian's "d.m.Y, H:i"), else None
    (English's "P", "noon" and "a.m.", stays with Django's formatter)."""
    if not all(char in _STRFTIME or char in _LITERAL for char in form):
        return None
    return "".join(_STRFTIME.get(char, char) for char in form)


def _date(value: date | datetime | None, form: str, seen: dict[date, str] | None = None) -> str:
    """`{{ value|date:"<format name>" }}` with the format's pattern already resolved (`form`); `seen`: the
    dates of this page already written in this format (many rows share an issue date)."""
    if value is None:
        return ""
    written = seen.get(value) if seen is not None else None
    if written is None:
        local = template_localtime(value)
        pattern = _strftime(form)
        written = escape(local.strftime(pattern) if pattern else dateformat.format(local, form))
        if seen is not None:
            seen[value] = written
    return written


def _names(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


@register.simple_tag
def inbox_rows(invoices: Iterable[Invoice], invoice_base: str) -> SafeString:
    """The `<tr>` of each invoice: received, company, supplier or customer, number (the link), issued, due,
    total and state; each cell's `data-label` is its column's name for the stacked (narrow screen) layout."""
    received, company, party, number = (
        escape(gettext("Received")),
        escape(gettext("Company")),
        escape(gettext("Supplier / customer")),
        escape(gettext("Number")),
    )
    issued, due, total, state = (
        escape(gettext("Issued")),
        escape(gettext("Due")),
        escape(gettext("Total")),
        escape(gettext("State")),
    )
    datetime_form = formats.get_format("SHORT_DATETIME_FORMAT")
    date_form = formats.get_format("SHORT_DATE_FORMAT")
    directions, kinds = _names(Direction.choices), _names(DocumentKind.choices)
    states = _names(InvoiceState.choices)
    base = escape(str(invoice_base))
    dates: dict[date, str] = {}
    parts = []
    for invoice in invoices:
        if invoice.direction == "received":
            party_cell = _first(invoice.seller_name, invoice.seller_cif)
        else:
            shown = directions.get(invoice.direction) or invoice.get_direction_display()
            customer = _first(invoice.buyer_name, invoice.buyer_cif)
            party_cell = f'{customer} <span class="badge">{_text(shown)}</span>'
        shown_number = _first(invoice.number, invoice.download_id)  # type: ignore[attr-defined]  # annotated
        number_cell = f'<a href="{base}{invoice.pk}/">{shown_number}</a>'
        if invoice.kind != "invoice":
            shown = kinds.get(invoice.kind) or invoice.get_kind_display()
            number_cell += f' <span class="badge">{_text(shown)}</span>'
        amount = floatformat(invoice.payable, "2g") if invoice.payable is not None else ""
        badge = STATE_BADGES.get(invoice.state, "bad")
        state_name = states.get(invoice.state) or invoice.get_state_display()
        parts.append(
            f'\n    <tr data-invoice="{invoice.pk}">'
            f'\n      <td data-label="{received}">{_date(invoice.received_at, datetime_form)}</td>'
            f'\n      <td data-label="{company}">{_text(invoice.company.cif)}</td>'
            f'\n      <td data-label="{party}">{party_cell}</td>'
            f'\n      <td data-label="{number}">{number_cell}</td>'
            f'\n      <td data-label="{issued}">{_date(invoice.issue_date, date_form, dates)}</td>'
            f'\n      <td data-label="{due}">{_date(invoice.due_date, date_form, dates)}</td>'
            f'\n      <td data-label="{total}" class="num">{amount} {_text(invoice.currency)}</td>'
            f'\n      <td data-label="{state}"><span class="badge {badge}">{_text(state_name)}</span></td>'
            "\n    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
