"""The one JSON shape of an issued invoice that leaves the hub: each item of the API's `/outbox` list and the
`data.outgoing` of the `invoice.sent.*` webhooks. JSON-ready values, so both wire forms match."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from hub.outbox.models import OutgoingInvoice
from hub.outbox.wording import explained

_ENCODER = DjangoJSONEncoder()  # what the API's renderer writes


def _json(value: object) -> object:
    return _ENCODER.default(value) if isinstance(value, datetime | date | Decimal) else value


def outgoing_summary(invoice: OutgoingInvoice) -> dict[str, object]:
    """The invoice, its flags, where it is at ANAF and its explained errors (in the active language)."""
    fields: dict[str, object] = {
        "id": invoice.pk,
        "company": invoice.company.cif,
        "state": invoice.state,
        "number": invoice.number,
        "issue_date": invoice.issue_date,
        "standard": invoice.standard,
        "b2c": invoice.b2c,
        "extern": invoice.extern,
        "self_billed": invoice.self_billed,
        "enforcement": invoice.enforcement,
        "buyer_id": invoice.buyer_id,
        "buyer_name": invoice.buyer_name,
        "total": invoice.total,
        "currency": invoice.currency,
        "upload_id": invoice.upload_id or None,
        "download_id": invoice.download_id or None,
        "created": invoice.created,
        "finished_at": invoice.finished_at,
        "corrects": invoice.corrects_id,
        "deadline": invoice.deadline,
        "storno": invoice.storno,
        "reference_number": invoice.reference_number or None,
        "amends": invoice.amends_id,
        "amended_by": sorted(row.pk for row in invoice.amendments.all()),
        "errors": explained(invoice.errors),
    }
    return {name: _json(value) for name, value in fields.items()}
