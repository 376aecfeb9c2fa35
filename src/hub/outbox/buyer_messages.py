"""Reading buyer messages (RASP), scoped to one company, and how each stands, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hub.accounts.models import Company
from hub.core.errors import ErrorCode, message_for
from hub.outbox.models import BuyerMessage, BuyerMessageDirection, OutgoingInvoice, OutgoingState


def messages_sent_about(company: Company, upload_id: str) -> QuerySet[BuyerMessage]:
    """The messages the company sent (as buyer) about the invoice ANAF filed under `upload_id`."""
    if not upload_id:
        return BuyerMessage.objects.none()
    return BuyerMessage.objects.filter(
        company=company, direction=BuyerMessageDirection.SENT, answers_upload_id=upload_id
    ).select_related("upload", "created_by")


def messages_received_about(invoice: OutgoingInvoice) -> QuerySet[BuyerMessage]:
    """The customers' messages about one of the company's issued invoices."""
    if not invoice.upload_id:
        return BuyerMessage.objects.none()
    return BuyerMessage.objects.filter(
        company=invoice.company, direction=BuyerMessageDirection.RECEIVED, answers_upload_id=invoice.upload_id
    )


def with_customer_messages(rows: QuerySet[OutgoingInvoice]) -> QuerySet[OutgoingInvoice]:
    """The rows, each with `customer_messages`: how many buyer messages its customer sent about it."""
    received = BuyerMessage.objects.filter(
        company=OuterRef("company"),
        direction=BuyerMessageDirection.RECEIVED,
        answers_upload_id=OuterRef("upload_id"),
    )
    counted = received.order_by().values("company").annotate(count=Count("pk")).values("count")
    return rows.annotate(customer_messages=Coalesce(Subquery(counted), 0))


def message_received_as(company: Company, download_id: str) -> BuyerMessage | None:
    """The received message recorded for the archived ANAF message `download_id`, if any."""
    return BuyerMessage.objects.filter(
        company=company, direction=BuyerMessageDirection.RECEIVED, download_id=download_id
    ).first()


def answered_invoice(message: BuyerMessage) -> OutgoingInvoice | None:
    """The issued invoice a received message answers (None: not sent through this hub)."""
    return (
        OutgoingInvoice.objects.filter(company=message.company, upload_id=message.answers_upload_id)
        .exclude(standard="RASP")
        .first()
    )


def buyer_message_summary(message: BuyerMessage) -> dict[str, object]:
    """The `data.buyer_message` of the buyer-message webhooks."""
    carrier = message.upload
    return {
        "id": message.pk,
        "direction": message.direction,
        "company": message.company.cif,
        "answers_upload_id": message.answers_upload_id,
        "decision": message.decision or None,
        "text": message.text,
        "upload_id": (carrier.upload_id if carrier else message.rasp_upload_id) or None,
        "state": carrier.state if carrier else "received",
        "errors": [error.get("message", "") for error in carrier.errors] if carrier else [],
        "created": message.created.isoformat(),
    }


@dataclass(frozen=True)
class Standing:
    state: str
    label: str
    badge: str  # ok, warn, bad
    detail: str


def standing(message: BuyerMessage) -> Standing:
    """Where a sent message stands with ANAF, with what it means for the user."""
    carrier = message.upload
    if carrier is None:
        return Standing("", "", "", "")
    state = OutgoingState(carrier.state)
    label = {
        OutgoingState.QUEUED: pgettext("buyer message", "Waiting to be sent"),
        OutgoingState.SENDING: pgettext("buyer message", "Being sent"),
        OutgoingState.UNCERTAIN: pgettext("buyer message", "Checking with ANAF"),
        OutgoingState.SENT: pgettext("buyer message", "Sent, awaiting ANAF"),
        OutgoingState.OK: pgettext("buyer message", "Delivered by ANAF to the supplier"),
        OutgoingState.NOK: pgettext("buyer message", "Rejected by ANAF"),
        OutgoingState.FAILED: pgettext("buyer message", "Not sent"),
    }.get(state, carrier.get_state_display())
    badge = {OutgoingState.OK: "ok", OutgoingState.NOK: "bad", OutgoingState.FAILED: "bad"}.get(state, "warn")
    detail = ""
    if state == OutgoingState.QUEUED and carrier.last_error == ErrorCode.RATE_LIMITED:
        when = timezone.localtime(carrier.next_action_at) if carrier.next_action_at else None
        detail = _(
            "ANAF's daily limit of buyer messages for this company is reached. The message is kept and "
            "leaves by itself at %(when)s."
        ) % {"when": formats.date_format(when, "SHORT_DATETIME_FORMAT") if when else "00:00"}
    elif state == OutgoingState.QUEUED and carrier.last_error:
        detail = message_for(carrier.last_error) + " " + _("The hub tries again by itself.")
    elif state == OutgoingState.UNCERTAIN:
        detail = _(
            "ANAF's answer to the upload was lost. The hub looks for the message in ANAF's list before it "
            "sends again, so the supplier never gets it twice."
        )
    elif state == OutgoingState.FAILED:
        detail = message_for(carrier.last_error or ErrorCode.ANAF_ERROR)
    elif state == OutgoingState.NOK:
        detail = "; ".join(error.get("message", "") for error in carrier.errors) or carrier.anaf_state
    return Standing(state, label, badge, detail)
