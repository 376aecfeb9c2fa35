"""Outbound webhooks: signed deliveries to a real receiver, retries with backoff, URL rules, delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.core.events import Kind
from hub.notifications import tasks as notification_tasks
from hub.notifications.services import event_forward, event_raise
from hub.notifications.tasks import webhooks_forward_events_task
from hub.webhooks.models import Delivery
from hub.webhooks.network import UnsafeUrl, resolve
from hub.webhooks.services import endpoint_create, webhook_emit
from hub.webhooks.tasks import webhooks_retry_due_task
from tests.hub.helpers import login, post_once

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver(BaseHTTPRequestHandler):
    statuses: ClassVar[list[int]] = []
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append({"headers": dict(self.headers), "body": body})
        status = Receiver.statuses.pop(0) if Receiver.statuses else 200
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver(settings: Any) -> Iterator[str]:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = True
    Receiver.statuses, Receiver.received = [], []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook?tenant=1"
    server.shutdown()


def _verify(secret: str, item: dict[str, Any]) -> bool:
    parts = dict(part.split("=", 1) for part in item["headers"]["X-EFactura-Signature"].split(","))
    mac = hmac.new(secret.encode(), f"{parts['t']}.".encode() + item["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, parts["v1"])


class _BrokerDown:
    """Stands in for a task when the broker refuses it."""

    def delay(self, *args: Any) -> None:
        raise OSError("broker unreachable")


def test_it_delivers_a_signed_body_and_retries_with_backoff(
    organization: Organization, receiver: str
) -> None:
    endpoint = endpoint_create(organization=organization, url=receiver, events=["invoice.received"])
    Receiver.statuses = [500, 302]

    webhook_emit(organization=organization, event="invoice.received", data={"id": 7})
    webhook_emit(organization=organization, event="invoice.sent.rejected", data={"id": 8})  # not subscribed

    delivery = Delivery.objects.get()
    assert delivery.attempts == 1
    assert delivery.status_code == 500
    assert delivery.delivered_at is None
    assert delivery.next_attempt_at is not None
    assert timedelta(seconds=50) < delivery.next_attempt_at - clock.now() <= timedelta(minutes=1)
    assert webhooks_retry_due_task.delay().get() == 0  # not due yet

    clock.advance(timedelta(minutes=2))
    webhooks_retry_due_task.delay()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.status_code == 302
    assert delivery.delivered_at is None
    assert delivery.next_attempt_at - clock.now() > timedelta(minutes=4)  # backoff grows

    clock.advance(timedelta(minutes=6))
    webhooks_retry_due_task.delay()
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None
    assert delivery.status_code == 200
    assert len(Receiver.received) == 3
    body = json.loads(Receiver.received[-1]["body"])
    assert body["event"] == "invoice.received"
    assert body["data"] == {"id": 7}
    assert all(_verify(endpoint.secret, item) for item in Receiver.received)
    assert not _verify("whsec_wrong", Receiver.received[-1])
    assert Receiver.received[-1]["headers"]["X-EFactura-Delivery"] == delivery.uid


def test_it_refuses_private_and_odd_urls(settings: Any) -> None:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "ftp://example.com/x",
        "http://user:pass@203.0.113.10/x",
    ):
        with pytest.raises(UnsafeUrl):
            resolve(url)
    assert resolve("http://8.8.8.8/hook").address == "8.8.8.8"


def test_authorization_events_are_forwarded_once(
    organization: Organization, owner: User, receiver: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN an event whose own fan-out was lost (the broker refused the task) WHEN the safety-net scan runs
    THEN it forwards the event once."""
    endpoint_create(organization=organization, url=receiver, events=["authorization.expiring"])
    monkeypatch.setattr(notification_tasks, "webhook_forward_event_task", _BrokerDown())
    event_raise(
        organization=organization,
        kind=Kind.EXPIRING,
        key="expiring:test:7",
        params={"days": 7, "deadline": clock.now().isoformat()},
        recipients=[owner],
    )
    assert not Receiver.received
    assert webhooks_forward_events_task.delay().get() == 1
    assert webhooks_forward_events_task.delay().get() == 0
    body = json.loads(Receiver.received[0]["body"])
    assert body["event"] == "authorization.expiring"
    assert body["data"]["params"]["days"] == 7


def test_an_authorization_event_reaches_the_webhooks_at_once_and_only_once(
    organization: Organization, owner: User, receiver: str
) -> None:
    """Recording the event enqueues its fan-out; the safety-net scan and a repeated fan-out add nothing."""
    endpoint = endpoint_create(organization=organization, url=receiver, events=["authorization.failed"])
    event = event_raise(
        organization=organization,
        kind=Kind.RENEWAL_FAILED,
        key="renewal-failed:test",
        params={"error": "reauthorization_required"},
        recipients=[owner],
    )
    assert event is not None

    assert len(Receiver.received) == 1  # no scan has run yet
    body = json.loads(Receiver.received[0]["body"])
    assert body["event"] == "authorization.failed"
    assert body["id"] == f"event-{event.pk}:{endpoint.pk}"
    assert _verify(endpoint.secret, Receiver.received[0])

    assert webhooks_forward_events_task.delay().get() == 0
    assert event_forward(event_id=event.pk) == 0
    assert len(Receiver.received) == 1
    assert Delivery.objects.get().delivered_at is not None


def test_the_delivery_log_page_is_for_admins_only(
    organization: Organization, owner: User, viewer: User, outsider: User, receiver: str
) -> None:
    client = login(owner)
    page = post_once(
        client, f"/o/{organization.slug}/webhooks/", {"url": receiver, "events": ["invoice.received"]}
    )
    assert 'data-field="secret">whsec_' in page.content.decode()
    webhook_emit(organization=organization, event="invoice.received", data={"id": 1})
    assert "HTTP 200" in client.get(f"/o/{organization.slug}/webhooks/").content.decode()
    assert login(viewer).get(f"/o/{organization.slug}/webhooks/").status_code == 403
    assert login(outsider).get(f"/o/{organization.slug}/webhooks/").status_code == 404
