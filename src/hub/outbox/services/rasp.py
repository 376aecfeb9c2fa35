"""Buyer messages (ANAF's RASP): the buyer's answer to a received invoice, sent exactly once, and the
customers' answers to the company's own invoices, kept beside them.

Sending reuses the outbox's machinery as it is: the message travels as an `OutgoingInvoice` with standard
`RASP` (hidden from Facturi emise), so it is claimed, attempted (`UploadAttempt`), reconciled when its answer
was lost (ANAF's list, filter `R`) and polled until `ok`/`nok` like any issued invoice. What makes it once
per decision is `key`: the decision it tells of (the desk passes its audit-trail entry), unique per company,
both on the `BuyerMessage` and, as `rasp:<key>`, on its carrier's idempotency key. A second call for the
same decision returns the first message; a later decision has its own key, hence its own message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from lxml import etree

from einvoice.archive import BUYER_MESSAGE_NS
from hub.accounts.models import Company, User
from hub.core import clock
from hub.core.events import WebhookEvent
from hub.documents import archive
from hub.outbox.buyer_messages import answered_invoice, buyer_message_summary
from hub.outbox.models import (
    BuyerDecision,
    BuyerMessage,
    BuyerMessageDirection,
    OutgoingInvoice,
    OutgoingState,
    Standard,
)
from hub.outbox.shapes import outgoing_summary
from hub.webhooks.services import webhook_emit

TEXT_MAX = 2000  # the desk's limit for a refusal reason; ANAF publishes none for RASP


class BuyerMessageRefused(Exception):
    """Nothing was queued; `code` is worded by the caller (the desk words them)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Answered:
    """The received invoice a message answers: ANAF's upload index, and its number and date for the text."""

    upload_id: str
    number: str = ""
    issue_date: date | None = None


def message_text(decision: str, answered: Answered, note: str = "") -> str:
    """The text the supplier reads, in Romanian (both parties are Romanian companies)."""
    what = f"Factura {answered.number}" if answered.number else "Factura"
    if answered.issue_date:
        what += f" din {answered.issue_date:%d.%m.%Y}"
    note = " ".join(note.split())
    if decision == BuyerDecision.REFUSE:
        return f"{what} este refuzată. Motiv: {note}"
    return f"{what} este acceptată." + (f" {note}" if note else "")


def rasp_xml(answers_upload_id: str, text: str) -> bytes:
    """The RASP document (docs/anaf.md §2.1): one `header` naming the answered upload and the message."""
    root = etree.Element(
        f"{{{BUYER_MESSAGE_NS}}}header",
        nsmap={None: BUYER_MESSAGE_NS},  # type: ignore[dict-item]
        attrib={"index_incarcare": answers_upload_id, "message": text},
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def buyer_message_send(
    *,
    company: Company,
    answered: Answered,
    decision: str,
    note: str,
    key: str,
    user: User | None = None,
) -> BuyerMessage:
    """Queue the buyer message telling the supplier of `decision` on `answered`, once per `key`."""
    if not key:
        raise ValueError("a buyer message needs the key of its decision")
    earlier = _by_key(company, key)
    if earlier is not None:
        return earlier
    if decision not in BuyerDecision.values:
        raise BuyerMessageRefused("unknown_decision")
    if not answered.upload_id.isdigit():
        raise BuyerMessageRefused("no_upload_index")
    note = note.strip()
    if decision == BuyerDecision.REFUSE and not note:
        raise BuyerMessageRefused("reason_required")
    text = message_text(decision, answered, note)
    if len(text) > TEXT_MAX:
        raise BuyerMessageRefused("too_long")
    xml = rasp_xml(answered.upload_id, text)
    now = clock.now()
    try:
        with transaction.atomic():
            carrier = OutgoingInvoice.objects.create(
                organization=company.organization,
                company=company,
                created=now,
                created_by=user,
                source="rasp",
                filename=f"rasp-{answered.upload_id}.xml",
                xml_sha256=archive.blob_put(xml),
                size=len(xml),
                standard=Standard.RASP,
                number=answered.number[:200],
                issue_date=answered.issue_date,
                state=OutgoingState.QUEUED,
                idempotency_key=f"rasp:{key}"[:200],
                next_action_at=now,
            )
            message = BuyerMessage.objects.create(
                organization=company.organization,
                company=company,
                direction=BuyerMessageDirection.SENT,
                answers_upload_id=answered.upload_id,
                decision=decision,
                text=text,
                key=key[:200],
                upload=carrier,
                created=now,
                created_by=user,
            )
            from hub.outbox.tasks import outgoing_send_task  # noqa: PLC0415  (tasks import services)

            transaction.on_commit(lambda: outgoing_send_task.delay(carrier.pk), robust=True)
    except IntegrityError:
        # Two calls for the same decision raced: the other one queued the message.
        earlier = _by_key(company, key)
        if earlier is None:
            raise
        return earlier
    return message


def _by_key(company: Company, key: str) -> BuyerMessage | None:
    return (
        BuyerMessage.objects.filter(company=company, key=key[:200], direction=BuyerMessageDirection.SENT)
        .select_related("upload")
        .first()
    )


def buyer_message_received(
    *,
    company: Company,
    rasp_upload_id: str,
    download_id: str,
    answers_upload_id: str,
    text: str,
    document_id: int | None,
) -> BuyerMessage | None:
    """Record a buyer message ANAF listed for `company` (idempotent), or link the company's own one.

    ANAF lists a RASP for both parties. When `rasp_upload_id` is the upload of a message the company sent,
    this is that message coming back: it only gains its link to the archived document. Otherwise a
    customer answered one of the company's invoices: it is kept beside that invoice.
    """
    own = BuyerMessage.objects.filter(
        company=company, direction=BuyerMessageDirection.SENT, upload__upload_id=rasp_upload_id
    ).first()
    if own is not None:
        if rasp_upload_id and own.document_id != document_id:
            BuyerMessage.objects.filter(pk=own.pk).update(
                document_id=document_id, download_id=download_id, rasp_upload_id=rasp_upload_id
            )
        return None
    values = {
        "organization_id": company.organization_id,
        "answers_upload_id": answers_upload_id[:40],
        "text": text,
        "download_id": download_id[:40],
        "document_id": document_id,
    }
    try:
        with transaction.atomic():
            message, created = BuyerMessage.objects.update_or_create(
                company=company,
                direction=BuyerMessageDirection.RECEIVED,
                rasp_upload_id=(rasp_upload_id or f"download-{download_id}")[:40],
                defaults=values,
                create_defaults={**values, "created": clock.now()},
            )
            if created:
                _announce_received(message)
    except IntegrityError:  # a concurrent archive of the same message recorded it
        return BuyerMessage.objects.filter(
            company=company, direction=BuyerMessageDirection.RECEIVED, download_id=download_id[:40]
        ).first()
    return message


def buyer_message_announce(carrier: OutgoingInvoice) -> None:
    """Tell the webhooks how ANAF answered a sent buyer message (once per outcome)."""
    message = BuyerMessage.objects.filter(upload=carrier).select_related("company", "upload").first()
    event = {
        OutgoingState.OK: WebhookEvent.BUYER_MESSAGE_ACCEPTED,
        OutgoingState.NOK: WebhookEvent.BUYER_MESSAGE_REJECTED,
    }.get(OutgoingState(carrier.state))
    if message is None or event is None:
        return
    webhook_emit(
        organization=message.organization,
        event=event,
        data={"buyer_message": buyer_message_summary(message)},
        cause=f"buyer-message-{message.pk}-{carrier.state}",
    )


def _announce_received(message: BuyerMessage) -> None:
    answered = answered_invoice(message)
    webhook_emit(
        organization=message.company.organization,
        event=WebhookEvent.BUYER_MESSAGE_RECEIVED,
        data={
            "buyer_message": buyer_message_summary(message),
            "outgoing": outgoing_summary(answered) if answered else None,
        },
        cause=f"buyer-message-{message.pk}-received",
    )
