"""Dispatcher tasks: fan an event out to its recipients' channels (retrying transient failures) and to the
organization's webhooks; beat safety nets for both."""

from __future__ import annotations

from celery import shared_task

from hub.notifications.services import (
    authorization_events_forward,
    event_dispatch,
    event_forward,
    events_dispatch_pending,
)


class DeliveryFailed(Exception):
    pass


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def event_dispatch_task(self, event_id: int) -> None:  # type: ignore[no-untyped-def]
    errors = event_dispatch(event_id=event_id)
    if errors:
        raise self.retry(exc=DeliveryFailed("; ".join(errors)), countdown=60 * 2**self.request.retries)


@shared_task
def events_dispatch_pending_task() -> int:
    """Beat safety net: deliver events whose own dispatch task was lost or gave up."""
    return events_dispatch_pending()


@shared_task
def webhook_forward_event_task(event_id: int) -> int:
    """Fan one authorization event out to the webhooks, enqueued when the event is recorded."""
    return event_forward(event_id=event_id)


@shared_task
def webhooks_forward_events_task() -> int:
    """Safety net (beat): forward authorization events whose own fan-out task was lost."""
    return authorization_events_forward()
