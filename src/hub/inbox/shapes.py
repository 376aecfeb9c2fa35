"""The one JSON shape of an invoice that leaves the hub: each item of the API's `/invoices` list and the
`data` of every invoice webhook. JSON-ready values (ISO dates, decimal strings), so both wire forms match."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

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
    fields: dict[str, object] = {
        "id": invoice.pk,
        "company_id": invoice.company_id,
        "company_cif": invoice.company.cif,
        "message_id": invoice.message.download_id,
        "upload_id": invoice.message.upload_id,
        "direction": invoice.direction,
        "kind": invoice.kind,
        "state": invoice.state,
        "number": invoice.number,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "seller_name": invoice.seller_name,
        "seller_cif": invoice.seller_cif,
        "buyer_name": invoice.buyer_name,
        "buyer_cif": invoice.buyer_cif,
        "tax_exclusive": invoice.tax_exclusive,
        "tax": invoice.tax,
        "payable": invoice.payable,
        "received_at": invoice.received_at,
        "archived_at": invoice.created,
        "problem": invoice.problem,
        "signature_valid": invoice.signature_valid,
    }
    return {name: _json(value) for name, value in fields.items()}
