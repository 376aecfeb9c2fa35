"""A delivery whose first send was lost (broker down when it was enqueued) is still sent, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.core import clock
from hub.webhooks import tasks as webhook_tasks
from hub.webhooks.models import Delivery
from hub.webhooks.services import deliveries_due, endpoint_create, webhook_emit
from hub.webhooks.tasks import webhooks_retry_due_task
from tests.hub.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)


class _BrokerDown:
    def delay(self, *args: Any) -> None:
        raise OSError("broker unreachable")


def test_a_lost_first_send_is_sent_by_the_retry_scan_after_a_grace_period(
    organization: Organization, webhook_receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint_create(organization=organization, url=webhook_receiver.url, events=["invoice.received"])
    with monkeypatch.context() as broker:
        broker.setattr(webhook_tasks, "webhook_deliver_task", _BrokerDown())
        ids = webhook_emit(organization=organization, event="invoice.received", data={"id": 41})  # no raise

    delivery = Delivery.objects.get(pk=ids[0])
    assert delivery.attempts == 0
    assert delivery.delivered_at is None
    assert not webhook_receiver.received
    assert deliveries_due() == []  # its first send may still be on its way
    assert webhooks_retry_due_task.delay().get() == 0

    clock.advance(timedelta(minutes=3))
    assert webhooks_retry_due_task.delay().get() == 1

    delivery.refresh_from_db()
    assert delivery.delivered_at is not None
    assert delivery.attempts == 1
    assert [payload["data"] for payload in webhook_receiver.payloads()] == [{"id": 41}]
    assert webhooks_retry_due_task.delay().get() == 0
    assert len(webhook_receiver.received) == 1


def test_a_delivery_in_flight_is_not_picked_up_twice(
    organization: Organization, webhook_receiver: WebhookReceiver
) -> None:
    endpoint_create(organization=organization, url=webhook_receiver.url, events=["invoice.received"])
    Delivery.objects.create(
        endpoint=organization.webhook_endpoints.get(),
        event="invoice.received",
        uid="in-flight",
        payload={"id": "in-flight"},
        created=clock.now() - timedelta(minutes=10),
        next_attempt_at=clock.now() - timedelta(minutes=10),
        claimed_until=clock.now() + timedelta(minutes=1),
    )
    assert deliveries_due() == []
    clock.advance(timedelta(minutes=2))
    assert len(deliveries_due()) == 1
