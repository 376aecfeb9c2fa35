"""The desk's side of buyer messages (ANAF's RASP): a decision that tells the supplier, the customers'
messages linked to the invoices the company issued, and the sections that show both.

The desk sits above the inbox and the outbox, so it is where a received invoice (inbox) meets the message
that answers it (outbox): a message is sent for one decision, whose audit-trail entry is its key
(`review-entry-<id>`), in the same transaction as the decision itself. A double click or a retried request
finds the invoice already in that state, so it makes no entry and no second message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string

import einvoice
from hub.accounts.models import Membership
from hub.desk.models import EntryKind, ReviewEntry, ReviewState
from hub.desk.services import DeskError, Outcome, reviews_transition
from hub.documents import archive
from hub.inbox.models import Direction, DocumentKind, Invoice
from hub.outbox.buyer_messages import (
    answered_invoice,
    message_received_as,
    messages_received_about,
    messages_sent_about,
    standing,
)
from hub.outbox.models import BuyerDecision, BuyerMessage, BuyerMessageDirection, OutgoingInvoice
from hub.outbox.services.rasp import Answered, BuyerMessageRefused, buyer_message_received, buyer_message_send

log = logging.getLogger(__name__)

DECISIONS: dict[str, str] = {
    ReviewState.APPROVED: BuyerDecision.ACCEPT,
    ReviewState.REFUSED: BuyerDecision.REFUSE,
}
ANSWERABLE = (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)


def decision_key(entry: ReviewEntry) -> str:
    return f"review-entry-{entry.pk}"


def why_not_answerable(invoice: Invoice) -> str:
    """Why no buyer message can answer this invoice ("" when one can)."""
    if invoice.direction != Direction.RECEIVED or invoice.kind not in ANSWERABLE:
        return "rasp_not_an_invoice"
    if not invoice.message.upload_id.isdigit():
        return "rasp_no_upload_index"
    return ""


def reviews_transition_telling(
    *, membership: Membership, invoice_ids: Iterable[int], to_state: str, reason: str = ""
) -> Outcome:
    """Approve or refuse the invoices and, for each one changed, queue the buyer message that tells its
    supplier (a refusal's message carries the reason). One no message can answer is left as it was."""
    decision = DECISIONS.get(to_state)
    if decision is None:
        raise DeskError("rasp_not_a_decision")
    wanted = sorted(set(invoice_ids))
    invoices = {
        row.pk: row
        for row in Invoice.objects.filter(organization=membership.organization, pk__in=wanted).select_related(
            "message", "company"
        )
    }
    skipped = {pk: code for pk in wanted if pk in invoices and (code := why_not_answerable(invoices[pk]))}
    with transaction.atomic():
        outcome = reviews_transition(
            membership=membership,
            invoice_ids=[pk for pk in wanted if pk not in skipped],
            to_state=to_state,
            reason=reason,
        )
        for invoice_id in outcome.changed:
            invoice = invoices[invoice_id]
            entry = (
                ReviewEntry.objects.filter(
                    review__invoice_id=invoice_id, kind=EntryKind.STATE, to_state=to_state
                )
                .order_by("-at", "-pk")
                .first()
            )
            assert entry is not None  # reviews_transition wrote it in this transaction
            try:
                buyer_message_send(
                    company=invoice.company,
                    answered=Answered(invoice.message.upload_id, invoice.number, invoice.issue_date),
                    decision=decision,
                    note=reason,
                    key=decision_key(entry),
                    user=membership.user,
                )
            except BuyerMessageRefused as exc:  # nothing of the decision stays either
                raise DeskError(f"rasp_{exc.code}") from exc
    outcome.skipped.update(skipped)
    return outcome


def review_tell_supplier(*, membership: Membership, invoice_id: int) -> BuyerMessage:
    """Send the buyer message for the invoice's current decision, decided without one (once: the same
    decision's entry is the key, so pressing again gives back the first message)."""
    if not membership.can_authorize:
        raise DeskError("no_permission")
    invoice = (
        Invoice.objects.filter(organization=membership.organization, pk=invoice_id)
        .select_related("message", "company", "review")
        .first()
    )
    review = getattr(invoice, "review", None) if invoice is not None else None
    if invoice is None or review is None:
        raise DeskError("not_found")
    decision = DECISIONS.get(review.state)
    if decision is None:
        raise DeskError("rasp_not_a_decision")
    code = why_not_answerable(invoice)
    if code:
        raise DeskError(code)
    entry = review.entries.filter(kind=EntryKind.STATE, to_state=review.state).order_by("-at", "-pk").first()
    if entry is None:
        raise DeskError("rasp_not_a_decision")
    try:
        return buyer_message_send(
            company=invoice.company,
            answered=Answered(invoice.message.upload_id, invoice.number, invoice.issue_date),
            decision=decision,
            note=review.reason,
            key=decision_key(entry),
            user=membership.user,
        )
    except BuyerMessageRefused as exc:
        raise DeskError(f"rasp_{exc.code}") from exc


def current_decision_told(invoice: Invoice) -> bool | None:
    """Whether the invoice's current decision was told to the supplier (None: nothing to tell)."""
    review = getattr(invoice, "review", None)
    if review is None or review.state not in DECISIONS or why_not_answerable(invoice):
        return None
    entry = review.entries.filter(kind=EntryKind.STATE, to_state=review.state).order_by("-at", "-pk").first()
    if entry is None:
        return None
    return BuyerMessage.objects.filter(company_id=invoice.company_id, key=decision_key(entry)).exists()


# The inbound side: ANAF lists a RASP for both parties; the inbox archives it like any message.


def buyer_message_archived(sender: type[Invoice], instance: Invoice, **kwargs: Any) -> None:
    """Record a buyer message the inbox archived (post_save of its document); never breaks the sync."""
    if instance.kind != DocumentKind.BUYER_MESSAGE:
        return
    message = instance.message
    try:
        opened = einvoice.open_anaf_zip(archive.blob_get(message.zip_sha256))
    except (einvoice.UnsafeArchive, OSError, ValueError):
        log.info("buyer message %s: its ZIP cannot be read", message.download_id)
        return
    if not opened.upload_index:
        return
    try:
        with transaction.atomic():  # a savepoint: the archived document stays whatever happens here
            buyer_message_received(
                company=instance.company,
                rasp_upload_id=message.upload_id,
                download_id=message.download_id,
                answers_upload_id=opened.upload_index,
                text=opened.message or "",
                document_id=instance.pk,
            )
    except DatabaseError:
        log.exception("buyer message %s: not recorded", message.download_id)


# The sections on the pages of the inbox, the outbox and the desk.


def _sent_items(invoice: Invoice) -> list[dict[str, Any]]:
    return [
        {"message": message, "standing": standing(message)}
        for message in messages_sent_about(invoice.company, invoice.message.upload_id)
    ]


def sent_panel(request: HttpRequest, invoice: Invoice, *, on_desk: bool = False) -> str:
    """ "Mesaje către furnizor": what was told to the supplier of a received invoice, and how it stands."""
    if invoice.direction != Direction.RECEIVED or invoice.kind not in ANSWERABLE:
        return ""
    items = _sent_items(invoice)
    membership = getattr(request, "membership", None)
    can_tell = bool(membership and membership.can_authorize)
    told = current_decision_told(invoice) if on_desk and can_tell else None
    if not items and not can_tell:
        return ""
    return render_to_string(
        "desk/_buyer_messages.html",
        {
            "invoice": invoice,
            "items": items,
            "on_desk": on_desk,
            "can_tell": can_tell,
            "untold": told is False,
        },
        request=request,
    )


def inbox_panel(request: HttpRequest, invoice: Invoice) -> str:
    """On a document of Facturi primite: the messages sent about it, or, for a buyer message, what it
    answers (an invoice the company issued, or a received invoice the company answered)."""
    if invoice.kind != DocumentKind.BUYER_MESSAGE:
        return sent_panel(request, invoice)
    received = message_received_as(invoice.company, invoice.message.download_id)
    context: dict[str, Any] = {"document": invoice, "received": received}
    if received is not None:
        context["outgoing"] = answered_invoice(received)
    else:
        own = BuyerMessage.objects.filter(
            company=invoice.company, direction=BuyerMessageDirection.SENT, document_id=invoice.pk
        ).first()
        if own is None:
            return ""
        context["own"] = own
        context["answered"] = Invoice.objects.filter(
            company=invoice.company, direction=Direction.RECEIVED, message__upload_id=own.answers_upload_id
        ).first()
    return render_to_string("desk/_buyer_message_document.html", context, request=request)


def outbox_panel(request: HttpRequest, invoice: OutgoingInvoice) -> str:
    """On an issued invoice: the messages its customer sent about it through ANAF."""
    received = list(messages_received_about(invoice))
    if not received:
        return ""
    return render_to_string("desk/_customer_messages.html", {"received": received}, request=request)
