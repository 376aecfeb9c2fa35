"""Issued invoices close to their legal deadline (5 working days after issue) and not yet accepted by ANAF.

The beat (`outbox-deadlines`) calls `deadlines_warn`: each such invoice raises one notice, in the app and by
e-mail to the organization's owners and accountants (`Kind.OUTBOX_DEADLINE`), and one `invoice.sent.deadline`
webhook. A row is claimed (`deadline_warned`) by a conditional update, so two beats never warn twice; an
invoice replaced by a corrected version is left to the newer version.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hub.accounts.models import Role, User
from hub.core import clock
from hub.core.events import Kind, WebhookEvent
from hub.notifications.services import event_raise
from hub.outbox.deadline import add_working_days, working_days_left
from hub.outbox.models import OutgoingInvoice, OutgoingState
from hub.outbox.shapes import outgoing_summary
from hub.webhooks.services import webhook_emit

# An invoice whose deadline passed longer ago than this is not announced any more (an old import, say).
LATE_NOTICE_DAYS = 7


def warn_days() -> int:
    """Working days left at which an invoice not yet accepted is announced."""
    return max(0, int(getattr(settings, "EFACTURA_OUTBOX_DEADLINE_WARN_DAYS", 1)))


def today() -> date:
    return timezone.localdate(clock.now())


def due_for_warning(on: date) -> list[OutgoingInvoice]:
    """Invoices whose deadline is at most `warn_days()` working days away (or just past), not yet accepted."""
    horizon = add_working_days(on, warn_days())
    return list(
        OutgoingInvoice.objects.filter(
            deadline__isnull=False,
            deadline__lte=horizon,
            deadline__gte=on - timedelta(days=LATE_NOTICE_DAYS),
            deadline_warned=False,
        )
        .exclude(state=OutgoingState.OK)
        .filter(corrections__isnull=True)
        .select_related("company__organization", "created_by")
        .order_by("deadline", "pk")[:500]
    )


def _recipients(invoice: OutgoingInvoice) -> list[User]:
    users = User.objects.filter(
        memberships__organization=invoice.organization,
        memberships__role__in=(Role.OWNER, Role.ACCOUNTANT),
        is_active=True,
    ).distinct()
    return list(users)


def deadline_warn(invoice: OutgoingInvoice, on: date) -> bool:
    """Announce one invoice (in the app, by e-mail, by webhook), once; False when it was claimed already."""
    assert invoice.deadline is not None
    with transaction.atomic():
        claimed = OutgoingInvoice.objects.filter(pk=invoice.pk, deadline_warned=False).update(
            deadline_warned=True
        )
        if claimed != 1:
            return False
        organization = invoice.company.organization
        link = reverse("outbox-invoice", kwargs={"slug": organization.slug, "invoice_id": invoice.pk})
        event_raise(
            organization=organization,
            kind=Kind.OUTBOX_DEADLINE,
            key=f"outbox-deadline:{invoice.pk}",
            params={
                "company": invoice.company.name or invoice.company.cif,
                "number": invoice.number or invoice.filename,
                "buyer": invoice.buyer_name or invoice.buyer_id,
                "deadline": invoice.deadline.isoformat(),
                "working_days": working_days_left(on, invoice.deadline),
                "state": invoice.state,
            },
            recipients=_recipients(invoice),
            link=link,
        )
        webhook_emit(
            organization=organization,
            event=WebhookEvent.INVOICE_SENT_DEADLINE,
            data={"outgoing": outgoing_summary(invoice)},
            cause=f"outgoing-{invoice.pk}-deadline",
        )
    return True


def deadlines_warn(on: date | None = None) -> int:
    """Announce every invoice close to its deadline and not yet accepted; returns how many were announced."""
    on = on or today()
    return sum(1 for invoice in due_for_warning(on) if deadline_warn(invoice, on))
