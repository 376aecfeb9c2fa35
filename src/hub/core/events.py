"""The registry of the hub's events, shared by notifications (what people are told) and webhooks (what other
systems are sent).

`Kind` is every event the hub records (`notifications.Event.kind`; worded in `notifications.kinds`).
`WebhookEvent` is every event a webhook endpoint can subscribe to: an invoice's follows its direction
(`inbox.services.announce`), and the authorization events in `FORWARDED` go to webhooks as well as to people.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    EXPIRING = "authorization.expiring"
    RENEWAL_FAILED = "authorization.failed"
    CERTIFICATE_CHANGED = "authorization.certificate_changed"
    RIGHTS_LOST = "authorization.rights_lost"
    UNUSABLE = "authorization.unusable"
    REVOKED = "authorization.revoked"
    INBOX_SYNC_FAILED = "inbox.sync_failed"
    INBOX_RETENTION_RISK = "inbox.retention_risk"
    INBOX_MESSAGES_EXPIRED = "inbox.messages_expired"
    INBOX_ARCHIVE_DAMAGED = "inbox.archive_damaged"
    INVOICE_RECEIVED = "invoice.received"
    INVOICE_DIGEST = "invoice.digest"
    DESK_DIGEST = "desk.digest"
    OUTBOX_DEADLINE = "outbox.deadline"


class WebhookEvent(StrEnum):
    INVOICE_RECEIVED = "invoice.received"
    INVOICE_SENT_ACCEPTED = "invoice.sent.accepted"
    INVOICE_SENT_REJECTED = "invoice.sent.rejected"
    INVOICE_SENT_DEADLINE = "invoice.sent.deadline"
    INVOICE_RECEIVED_APPROVED = "invoice.received.approved"
    INVOICE_RECEIVED_REFUSED = "invoice.received.refused"
    INVOICE_RECEIVED_BOOKED = "invoice.received.booked"
    BUYER_MESSAGE_ACCEPTED = "buyer_message.sent.accepted"
    BUYER_MESSAGE_REJECTED = "buyer_message.sent.rejected"
    BUYER_MESSAGE_RECEIVED = "buyer_message.received"
    AUTHORIZATION_EXPIRING = "authorization.expiring"
    AUTHORIZATION_FAILED = "authorization.failed"


WEBHOOK_LABELS: dict[WebhookEvent, Promise] = {
    WebhookEvent.INVOICE_RECEIVED: _("A supplier invoice was received"),
    WebhookEvent.INVOICE_SENT_ACCEPTED: _("An issued invoice was accepted by ANAF"),
    WebhookEvent.INVOICE_SENT_REJECTED: _("An issued invoice was rejected by ANAF"),
    WebhookEvent.INVOICE_SENT_DEADLINE: _("An issued invoice nears its legal deadline, not yet accepted"),
    WebhookEvent.INVOICE_RECEIVED_APPROVED: _("A supplier invoice was approved"),
    WebhookEvent.INVOICE_RECEIVED_REFUSED: _("A supplier invoice was refused"),
    WebhookEvent.INVOICE_RECEIVED_BOOKED: _("A supplier invoice was booked"),
    WebhookEvent.BUYER_MESSAGE_ACCEPTED: _("A message to a supplier (RASP) was taken by ANAF"),
    WebhookEvent.BUYER_MESSAGE_REJECTED: _("A message to a supplier (RASP) was rejected by ANAF"),
    WebhookEvent.BUYER_MESSAGE_RECEIVED: _("A customer sent a message (RASP) about an issued invoice"),
    WebhookEvent.AUTHORIZATION_EXPIRING: _("The ANAF authorization expires soon"),
    WebhookEvent.AUTHORIZATION_FAILED: _("The ANAF authorization failed"),
}

# Recorded events that webhooks hear of too (`notifications.services.event_forward`).
FORWARDED: dict[Kind, WebhookEvent] = {
    Kind.EXPIRING: WebhookEvent.AUTHORIZATION_EXPIRING,
    Kind.RENEWAL_FAILED: WebhookEvent.AUTHORIZATION_FAILED,
}


class SentOutcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


SENT_EVENTS: dict[SentOutcome, WebhookEvent] = {
    SentOutcome.ACCEPTED: WebhookEvent.INVOICE_SENT_ACCEPTED,
    SentOutcome.REJECTED: WebhookEvent.INVOICE_SENT_REJECTED,
}


def sent_cause(*, company_cif: str, upload_id: str, outcome: SentOutcome) -> str:
    """The one cause of ANAF's outcome for one upload, whichever app learns it first.

    The outbox (from `stareMesaj`) and the inbox (archiving the company's own sent message) both emit
    `invoice.sent.*`; with this cause `webhook_emit` records one delivery per endpoint, never two.
    """
    return f"sent-{company_cif}-{upload_id}-{outcome}"


def sent_invoice_data(
    *,
    company_cif: str,
    upload_id: str,
    download_id: str | None,
    outcome: SentOutcome,
    number: str,
    issue_date: str | None,
    errors: list[dict[str, str]],
    outgoing_id: int | None,
    invoice_id: int | None,
) -> dict[str, object]:
    """The `data` of `invoice.sent.accepted` / `.rejected`, the same whichever app emits it (JSON-ready).

    `outgoing_id` is the outbox invoice when the outbox reported the outcome; `invoice_id` the inbox's
    archived document when the inbox did; the other one is `None`.
    """
    return {
        "company_cif": company_cif,
        "upload_id": upload_id,
        "download_id": download_id or None,
        "outcome": str(outcome),
        "number": number,
        "issue_date": issue_date,
        "errors": errors,
        "outgoing_id": outgoing_id,
        "invoice_id": invoice_id,
    }
