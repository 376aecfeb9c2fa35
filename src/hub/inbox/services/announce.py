"""Tell people and systems about newly archived documents: per-user notifications (none / each / daily
digest) and the organization's webhooks (`invoice.received`, `invoice.sent.accepted`,
`invoice.sent.rejected`; the last two shared with the outbox, `core.events.sent_cause`).

Announcing is the last step of the sync pipeline and is resumable: `Invoice.announced_at` is set in the same
transaction that records the webhook deliveries and the notification event, so after a crash at any point an
archived document is either fully announced or still pending, and the next sync announces it exactly once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.core.events import SENT_EVENTS, Kind, SentOutcome, WebhookEvent, sent_cause, sent_invoice_data
from hub.inbox.models import Direction, InboxPreference, Invoice, NotifyMode
from hub.inbox.shapes import invoice_summary
from hub.notifications.services import event_raise
from hub.webhooks.services import webhook_emit

SENT_OUTCOMES = {Direction.SENT: SentOutcome.ACCEPTED, Direction.ERROR: SentOutcome.REJECTED}


def invoices_announce_pending(*, company_id: int) -> int:
    """Announce every archived document of the company not announced yet; returns how many."""
    pending = (
        Invoice.objects.filter(company_id=company_id, announced_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(invoice_announce(invoice_id=invoice_id) for invoice_id in list(pending))


def invoice_announce(*, invoice_id: int) -> bool:
    """Record the webhooks and the notification of one document and mark it announced, atomically.

    The conditional update claims the document: a second announcer (or a resumed sync) changes no row and
    records nothing. Deliveries and the event are sent after the commit. Returns whether this call announced.
    """
    with transaction.atomic():
        claimed = Invoice.objects.filter(pk=invoice_id, announced_at__isnull=True).update(
            announced_at=clock.now()
        )
        if claimed != 1:
            return False
        invoice = Invoice.objects.select_related("company", "organization", "message").get(pk=invoice_id)
        outcome = SENT_OUTCOMES.get(Direction(invoice.direction))
        if outcome is not None:
            _announce_sent(invoice, outcome)
        elif invoice.direction == Direction.RECEIVED:
            webhook_emit(
                organization=invoice.organization,
                event=WebhookEvent.INVOICE_RECEIVED,
                data=invoice_summary(invoice),
                cause=f"invoice-{invoice.pk}",
            )
            _notify_each(invoice)
    return True


def _announce_sent(invoice: Invoice, outcome: SentOutcome) -> None:
    """The company's own upload, as ANAF answered it: the cause and shape the outbox uses too, so an invoice
    sent through the hub is announced once, by whichever of the two learns the outcome first."""
    company_cif, upload_id = invoice.company.cif, invoice.message.upload_id
    errors = (
        [
            {
                "rule": "ANAF",
                "message": line,
                "value": "",
                "location": "",
                "source": "anaf",
                "explanation": "",
            }
            for line in invoice.problem.splitlines()
            if line.strip()
        ]
        if outcome == SentOutcome.REJECTED
        else []
    )
    webhook_emit(
        organization=invoice.organization,
        event=SENT_EVENTS[outcome],
        data=sent_invoice_data(
            company_cif=company_cif,
            upload_id=upload_id,
            download_id=invoice.message.download_id,
            outcome=outcome,
            number=invoice.number,
            issue_date=invoice.issue_date.isoformat() if invoice.issue_date else None,
            errors=errors,
            outgoing_id=None,
            invoice_id=invoice.pk,
        ),
        cause=sent_cause(company_cif=company_cif, upload_id=upload_id, outcome=outcome)
        if upload_id
        else f"invoice-{invoice.pk}",
    )


def _link(invoice: Invoice) -> str:
    return reverse("inbox-invoice", kwargs={"slug": invoice.organization.slug, "invoice_id": invoice.pk})


def _subscribers(organization: Organization, mode: str) -> list[User]:
    user_ids = InboxPreference.objects.filter(organization=organization, notify=mode).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True, memberships__organization=organization))


def _notify_each(invoice: Invoice) -> None:
    recipients = _subscribers(invoice.organization, NotifyMode.EACH)
    if not recipients:
        return
    event_raise(
        organization=invoice.organization,
        kind=Kind.INVOICE_RECEIVED,
        key=f"invoice-received:{invoice.pk}",
        params={
            "seller": invoice.seller_name or invoice.seller_cif or "?",
            "number": invoice.number or "?",
            "amount": str(invoice.payable if invoice.payable is not None else "?"),
            "currency": invoice.currency,
            "company": invoice.company.name or invoice.company.cif,
        },
        recipients=recipients,
        link=_link(invoice),
    )


def digests_send() -> int:
    """Daily: one event per organization and day with the received invoices of the last day."""
    now = clock.now()
    since = now - timedelta(days=1)
    raised = 0
    for organization in Organization.objects.filter(
        pk__in=InboxPreference.objects.filter(notify=NotifyMode.DIGEST).values("organization_id")
    ):
        recipients = _subscribers(organization, NotifyMode.DIGEST)
        fresh = Invoice.objects.filter(
            organization=organization, direction=Direction.RECEIVED, created__gt=since, created__lte=now
        )
        count = fresh.count()
        if not recipients or not count:
            continue
        top = fresh.values("seller_name").annotate(total=Sum("payable")).order_by("-total")[:5]
        summary = ", ".join(f"{row['seller_name'] or '?'} ({row['total'] or 0})" for row in top)
        event = event_raise(
            organization=organization,
            kind=Kind.INVOICE_DIGEST,
            key=f"invoice-digest:{now.date().isoformat()}",
            params={"count": count, "summary": summary},
            recipients=recipients,
            link=reverse("inbox", kwargs={"slug": organization.slug}),
        )
        raised += event is not None
    return raised
