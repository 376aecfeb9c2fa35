"""Webhook tasks: send one delivery, fan an event out; beat tasks re-send the due retries and forward the
events whose fan-out was missed."""

from __future__ import annotations

from celery import shared_task


@shared_task
def webhook_deliver_task(delivery_id: int) -> bool:
    from hub.webhooks.services import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id)


@shared_task
def webhooks_retry_due_task() -> int:
    from hub.webhooks.services import deliveries_due

    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    return len(due)


@shared_task
def webhook_forward_event_task(event_id: int) -> int:
    """Fan one authorization event out to the webhooks, enqueued when the event is recorded."""
    from hub.webhooks.services import event_forward

    return event_forward(event_id=event_id)


@shared_task
def webhooks_forward_events_task() -> int:
    """Safety net (beat): forward authorization events whose own fan-out task was lost."""
    from hub.webhooks.services import authorization_events_forward

    return authorization_events_forward()
