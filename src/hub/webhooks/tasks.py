"""Webhook tasks: send one delivery; a beat task re-sends the due retries."""

from __future__ import annotations

from celery import shared_task

from hub.webhooks.services import deliveries_due, delivery_attempt


@shared_task
def webhook_deliver_task(delivery_id: int) -> bool:
    return delivery_attempt(delivery_id=delivery_id)


@shared_task
def webhooks_retry_due_task() -> int:
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    return len(due)
