"""Emit events to an organization's endpoints and deliver them signed, with retries and backoff.

Signature: header `X-EFactura-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`; the
receiver recomputes it over the raw body and rejects old timestamps (see docs/api.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from django.db import transaction
from django.db.models import Q

from hub.accounts.models import Organization
from hub.core import clock
from hub.webhooks.models import EVENT_NAMES, Delivery, Endpoint
from hub.webhooks.network import UnsafeUrl, resolve

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
CLAIM = timedelta(minutes=2)
# A delivery never attempted is normally on its way (enqueued on commit); past this grace its first send was
# lost (broker down, worker killed) and the retry scan sends it.
FIRST_SEND_GRACE = timedelta(minutes=2)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def endpoint_create(*, organization: Organization, url: str, events: list[str]) -> Endpoint:
    resolve(url)  # refuse now what would be refused at delivery
    unknown = set(events) - set(EVENT_NAMES)
    if unknown:
        raise ValueError(f"unknown events: {sorted(unknown)}")
    return Endpoint.objects.create(
        organization=organization,
        url=url,
        secret=f"whsec_{secrets.token_urlsafe(32)}",
        events=list(events) or list(EVENT_NAMES),
        created=clock.now(),
    )


def endpoint_delete(*, organization: Organization, endpoint_id: int) -> bool:
    """False when the organization has no such endpoint (another organization's id)."""
    deleted, _ = Endpoint.objects.filter(organization=organization, pk=endpoint_id).delete()
    return deleted > 0


def webhook_emit(
    *, organization: Organization, event: str, data: dict[str, Any], cause: str | None = None
) -> list[int]:
    """Record one delivery per subscribed endpoint; they are sent after the transaction commits.

    `cause` makes the emission idempotent: the same cause never yields two deliveries to one endpoint. A
    failed enqueue (broker down) is logged, never raised: the row is recorded and `deliveries_due` finds it.
    """
    ids: list[int] = []
    now = clock.now()
    for endpoint in Endpoint.objects.filter(organization=organization, active=True):
        if event not in endpoint.events:
            continue
        uid = f"{cause}:{endpoint.pk}" if cause else str(uuid.uuid4())
        payload = {"id": uid, "event": event, "created": now.isoformat(), "data": data}
        # `uid` is unique: of two emitters of the same cause racing, one creates and the other finds the row.
        delivery, created = Delivery.objects.get_or_create(
            uid=uid,
            defaults={
                "endpoint": endpoint,
                "event": event,
                "payload": payload,
                "created": now,
                "next_attempt_at": now,
            },
        )
        if created:
            ids.append(delivery.pk)
    if ids:
        from hub.webhooks.tasks import webhook_deliver_task  # noqa: PLC0415  (the tasks import these services)

        for delivery_id in ids:
            transaction.on_commit(
                lambda pk=delivery_id: webhook_deliver_task.delay(pk),  # type: ignore[misc]
                robust=True,
            )
    return ids


def _claim(delivery_id: int) -> Delivery | None:
    now = clock.now()
    changed = (
        Delivery.objects.filter(pk=delivery_id, delivered_at__isnull=True, given_up=False)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )
    if changed != 1:
        return None
    return Delivery.objects.select_related("endpoint").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int) -> bool:
    """Send one delivery once; on failure schedule the next attempt (or give up). Returns success."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return False
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    status: int | None = None
    error = ""
    started = time.monotonic()
    try:
        status = _post(endpoint.url, endpoint.secret, delivery, body)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except UnsafeUrl as exc:
        error = f"URL: {exc}"
    except httpx.HTTPError as exc:
        error = f"{exc.__class__.__name__}: {exc}"
    elapsed = int((time.monotonic() - started) * 1000)
    now = clock.now()
    attempts = delivery.attempts + 1
    update: dict[str, Any] = {
        "attempts": attempts,
        "status_code": status,
        "duration_ms": elapsed,
        "claimed_until": None,
        "last_error": error[:300],
    }
    if not error:
        update.update(delivered_at=now, next_attempt_at=None)
    elif attempts > len(BACKOFF):
        update.update(given_up=True, next_attempt_at=None)
    else:
        update.update(next_attempt_at=now + BACKOFF[attempts - 1])
    Delivery.objects.filter(pk=delivery.pk).update(**update)
    Endpoint.objects.filter(pk=endpoint.pk).update(last_error=error[:300], last_delivery_at=now)
    return not error


def _post(url: str, secret: str, delivery: Delivery, body: bytes) -> int:
    target = resolve(url)
    host = f"[{target.address}]" if ":" in target.address else target.address
    pinned = f"{target.scheme}://{host}:{target.port}{target.path}"
    headers = {
        "Host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
        "Content-Type": "application/json",
        "User-Agent": "efactura-hub-webhooks/1",
        "X-EFactura-Event": delivery.event,
        "X-EFactura-Delivery": delivery.uid,
        "X-EFactura-Signature": sign(secret, int(time.time()), body),
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
        response = client.post(pinned, content=body, headers=headers, extensions=extensions)
    return response.status_code


def deliveries_due() -> list[int]:
    """Retries whose time has come, and first sends that never happened (older than `FIRST_SEND_GRACE`)."""
    now = clock.now()
    retries = Q(attempts__gt=0)
    lost_first_sends = Q(attempts=0, created__lte=now - FIRST_SEND_GRACE)
    return list(
        Delivery.objects.filter(delivered_at__isnull=True, given_up=False, next_attempt_at__lte=now)
        .filter(retries | lost_first_sends)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
