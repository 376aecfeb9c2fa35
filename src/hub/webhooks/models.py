"""Webhook endpoints (secret encrypted at rest) and one `Delivery` row per event and endpoint."""

from __future__ import annotations

from django.db import models

from hub.accounts.models import Organization
from hub.core.crypto import EncryptedTextField
from hub.core.events import WEBHOOK_LABELS, WebhookEvent

EVENTS = tuple((event.value, WEBHOOK_LABELS[event]) for event in WebhookEvent)
EVENT_NAMES = tuple(name for name, _label in EVENTS)


class Endpoint(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    secret = EncryptedTextField()
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    uid = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    created = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    given_up = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created", "-pk")
        indexes = (models.Index(fields=["delivered_at", "given_up", "next_attempt_at"]),)

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id}"
