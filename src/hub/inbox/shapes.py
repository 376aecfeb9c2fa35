"""The one JSON shape of an invoice that leaves the hub: each item of the API's `/invoices` list and the
`data` of every invoice webhook. JSON-ready values (ISO dates, decimal strings), so both wire forms match."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from hub.inbox.models import Invoice

_ENCODER = (
    DjangoJSONEncoder()
)  # what the API's renderer writes, so a webhook's value is the API's, byte for byte


def _json(value: object) -> object:
    if isinstance(value, datetime):
        # The encoder writes milliseconds: a time under a millisecond past the second would read ".000",
        # which the API's schema parses back and writes without them. Dropping them first, one text.
        value = value.replace(microsecond=value.microsecond // 1000 * 1000)
    return _ENCODER.default(value) if isinstance(value, datetime | date | Decimal) else value


def invoice_summary(invoice: Invoice) -> dict[str, object]:
    """An invoice without its lines: who, what, how much, and where it is in the hub."""
    return {name: _json(_read(invoice, steps)) for name, steps in _STEPS}


# Each field of the summary and the `Invoice` query path it comes from.
SUMMARY = (
    ("id", "id"),
    ("company_id", "company_id"),
    ("company_cif", "company__cif"),
    ("message_id", "message__download_id"),
    ("upload_id", "message__upload_id"),
    ("direction", "direction"),
    ("kind", "kind"),
    ("state", "state"),
    ("number", "number"),
    ("issue_date", "issue_date"),
    ("due_date", "due_date"),
    ("currency", "currency"),
    ("seller_name", "seller_name"),
    ("seller_cif", "seller_cif"),
    ("buyer_name", "buyer_name"),
    ("buyer_cif", "buyer_cif"),
    ("tax_exclusive", "tax_exclusive"),
    ("tax", "tax"),
    ("payable", "payable"),
    ("received_at", "received_at"),
    ("archived_at", "created"),
    ("problem", "problem"),
    ("signature_valid", "signature_valid"),
)
_NAMES = tuple(name for name, _path in SUMMARY)
_STEPS = tuple((name, tuple(path.split("__"))) for name, path in SUMMARY)


def _read(invoice: Invoice, steps: tuple[str, ...]) -> object:
    value: object = invoice
    for step in steps:
        value = getattr(value, step)
    return value


def invoice_summary_rows(rows: QuerySet[Invoice]) -> QuerySet[Invoice, tuple[Any, ...]]:
    """`rows` as the values `invoice_summary_of` shapes: one query, no model instances (a list's page)."""
    return rows.values_list(*(path for _name, path in SUMMARY))


def invoice_summary_of(values: tuple[Any, ...]) -> dict[str, object]:
    """`invoice_summary` of a row of `invoice_summary_rows`."""
    return {name: _json(value) for name, value in zip(_NAMES, values, strict=True)}
