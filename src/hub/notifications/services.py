"""Raise events (once per cause), dispatch them to channels, mark notifications as read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.notifications.models import Channel, Event, Notification
from hub.notifications.transports import TRANSPORTS, TransportError


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
    from hub.notifications.tasks import event_dispatch_task
    from hub.webhooks.services import FORWARDED_KINDS

    if kind in FORWARDED_KINDS:
        from hub.webhooks.tasks import webhook_forward_event_task

        # The organization's webhooks hear of it at once; a lost enqueue (broker down) is logged, not raised,
        # and the periodic scan (`authorization_events_forward`) forwards it later, still once.
        transaction.on_commit(lambda: webhook_forward_event_task.delay(event.pk), robust=True)
    transaction.on_commit(lambda: event_dispatch_task.delay(event.pk))
    return event


def event_dispatch(*, event_id: int) -> list[str]:
    """Create one notification per recipient and channel, deliver the undelivered; returns errors."""
    event = Event.objects.select_related("organization").get(pk=event_id)
    errors: list[str] = []
    for user in User.objects.filter(pk__in=event.recipient_ids, is_active=True):
        for channel in (Channel.IN_APP, Channel.EMAIL):
            notification, _ = Notification.objects.get_or_create(event=event, recipient=user, channel=channel)
            if notification.sent_at is not None or notification.given_up:
                continue
            if not _claim(notification):
                continue
            try:
                TRANSPORTS[channel](notification)
            except TransportError as exc:
                if not exc.permanent:
                    errors.append(exc.message)
                Notification.objects.filter(pk=notification.pk).update(
                    last_error=exc.message[:500], given_up=exc.permanent
                )
                continue
            Notification.objects.filter(pk=notification.pk).update(sent_at=clock.now(), last_error="")
    if not errors:
        Event.objects.filter(pk=event.pk).update(dispatched_at=clock.now())
    return errors


def _claim(notification: Notification) -> bool:
    """Conditional update so that two dispatchers never send the same e-mail twice."""
    changed = Notification.objects.filter(
        pk=notification.pk, sent_at__isnull=True, attempts=notification.attempts
    ).update(attempts=notification.attempts + 1)
    notification.attempts += 1
    return changed == 1


def notification_mark_read(
    *, user: User, organization: Organization, notification_id: int | None = None
) -> int:
    from hub.notifications.selectors import in_app_for

    unread = in_app_for(user=user, organization=organization).filter(read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=clock.now())
