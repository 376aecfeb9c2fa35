"""Dispatcher task: fans an event out to its recipients' channels, retrying transient failures."""

from __future__ import annotations

from celery import shared_task


class DeliveryFailed(Exception):
    pass


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def event_dispatch_task(self, event_id: int) -> None:  # type: ignore[no-untyped-def]
    from hub.notifications.services import event_dispatch

    errors = event_dispatch(event_id=event_id)
    if errors:
        raise self.retry(exc=DeliveryFailed("; ".join(errors)), countdown=60 * 2**self.request.retries)


@shared_task
def events_dispatch_pending_task() -> int:
    """Beat safety net: deliver events whose own dispatch task was lost or gave up."""
    from hub.notifications.services import events_dispatch_pending

    return events_dispatch_pending()
