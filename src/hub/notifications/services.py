"""Raise events (once per cause), dispatch them to channels, mark notifications as read.

Each event is dispatched by its own task, enqueued after commit; a beat safety net
(`events_dispatch_pending`) dispatches whatever that task could not: broker down at enqueue time, or a
channel failing longer than the task retries. Each notification is claimed before it is sent (a lease), so
two dispatchers never send it twice. The events in `hub.core.events.FORWARDED` also go to the organization's
webhooks (`event_forward`), with a safety net of their own (`authorization_events_forward`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.core.events import FORWARDED, Kind
from hub.notifications.models import Channel, Event, Notification
from hub.notifications.selectors import in_app_for
from hub.notifications.transports import TRANSPORTS, TransportError
from hub.webhooks.services import webhook_emit

log = logging.getLogger(__name__)

# Longer than any send takes (EMAIL_TIMEOUT is 20 s): a claim older than this was lost with its worker.
CLAIM_LEASE = timedelta(minutes=15)
# The safety net leaves young events to their own task (first attempt and its early retries).
PENDING_GRACE = timedelta(minutes=10)


def event_raise(
    *,
    organization: Organization,
    kind: str,
    key: str,
    params: dict[str, Any],
    recipients: Iterable[User],
    link: str = "",
) -> Event | None:
    """Record the event unless one with the same cause key exists; dispatch after commit.

    Returns the new event, or None when this cause was already notified.
    """
    recipient_ids = sorted({user.pk for user in recipients})
    try:
        with transaction.atomic():
            event = Event.objects.create(
                organization=organization,
                kind=kind,
                key=key,
                params={"organization": organization.name, **params},
                link=link,
                recipient_ids=recipient_ids,
                created=clock.now(),
            )
    except IntegrityError:
        return None
    from hub.notifications.tasks import (  # noqa: PLC0415  (the tasks import these services)
        event_dispatch_task,
        webhook_forward_event_task,
    )

    if kind in FORWARDED:
        # The organization's webhooks hear of it at once; a lost enqueue (broker down) is logged, not raised,
        # and the periodic scan (`authorization_events_forward`) forwards it later, still once.
        transaction.on_commit(lambda: webhook_forward_event_task.delay(event.pk), robust=True)
    # A lost enqueue (broker down) is logged, not raised: `events_dispatch_pending` delivers it later.
    transaction.on_commit(lambda: event_dispatch_task.delay(event.pk), robust=True)
    return event


def event_dispatch(*, event_id: int) -> list[str]:
    """Create one notification per recipient and channel, deliver the undelivered; returns errors.

    The event counts as dispatched once every notification is sent or given up.
    """
    event = Event.objects.select_related("organization").get(pk=event_id)
    errors: list[str] = []
    for user in User.objects.filter(pk__in=event.recipient_ids, is_active=True):
        for channel in (Channel.IN_APP, Channel.EMAIL):
            notification, _ = Notification.objects.get_or_create(event=event, recipient=user, channel=channel)
            if notification.sent_at is not None or notification.given_up or not _claim(notification):
                continue
            try:
                TRANSPORTS[channel](notification)
            except TransportError as exc:
                if not exc.permanent:
                    errors.append(exc.message)
                Notification.objects.filter(pk=notification.pk).update(
                    last_error=exc.message[:500], given_up=exc.permanent, claimed_at=None
                )
                continue
            Notification.objects.filter(pk=notification.pk).update(
                sent_at=clock.now(), last_error="", claimed_at=None
            )
    pending = Notification.objects.filter(event=event, sent_at__isnull=True, given_up=False)
    if not errors and not pending.exists():
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(dispatched_at=clock.now())
    return errors


def events_dispatch_pending(*, limit: int = 200) -> int:
    """Safety net: dispatch events left undispatched past `PENDING_GRACE`; returns how many were tried.

    Idempotent: what was sent is skipped, and a notification another dispatcher holds is left to it.
    """
    due = Event.objects.filter(dispatched_at__isnull=True, created__lte=clock.now() - PENDING_GRACE)
    event_ids = list(due.order_by("created").values_list("pk", flat=True)[:limit])
    for event_id in event_ids:
        try:
            errors = event_dispatch(event_id=event_id)
        except Exception:  # one event's surprise must not starve the others
            log.exception("dispatching event %s failed", event_id)
            continue
        if errors:
            log.warning("event %s still undelivered: %s", event_id, "; ".join(errors))
    return len(event_ids)


def _claim(notification: Notification) -> bool:
    """Conditional update: only one dispatcher at a time sends a notification (until its lease runs out)."""
    now = clock.now()
    changed = (
        Notification.objects.filter(pk=notification.pk, sent_at__isnull=True, given_up=False)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    return changed == 1


def notification_mark_read(
    *, user: User, organization: Organization, notification_id: int | None = None
) -> int:
    unread = in_app_for(user=user, organization=organization).filter(read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=clock.now())


SAFETY_NET_DAYS = 3


def event_forward(*, event_id: int) -> int:
    """Hand one of the hub's authorization events on to the organization's webhooks (idempotent).

    Enqueued when the event is recorded (`notifications.services.event_raise`); returns deliveries created.
    """
    event = Event.objects.select_related("organization").get(pk=event_id)
    if event.kind not in FORWARDED:
        return 0
    webhook_event = FORWARDED[Kind(event.kind)]
    data = {"kind": event.kind, "params": event.params, "created": event.created.isoformat()}
    return len(
        webhook_emit(
            organization=event.organization,
            event=webhook_event,
            data=data,
            cause=f"event-{event.pk}",
        )
    )


def authorization_events_forward(*, days: int = SAFETY_NET_DAYS) -> int:
    """Safety net: forward the recent authorization events whose own fan-out was missed (broker down, crash).

    Each event yields at most one delivery per endpoint, whoever forwards it first.
    """
    since = clock.now() - timedelta(days=days)
    recent = Event.objects.filter(kind__in=list(FORWARDED), created__gte=since).values_list("pk", flat=True)
    return sum(event_forward(event_id=event_id) for event_id in list(recent))
