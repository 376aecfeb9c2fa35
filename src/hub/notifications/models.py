"""Events are rows, raised once per cause (unique key); each delivery attempt is a `Notification` row."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hub.accounts.models import Organization
from hub.notifications.kinds import body_for, link_label_for, title_for


class Event(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        max_length=60, help_text="a `Kind` value (no choices: new kinds need no migration)"
    )
    key = models.CharField(max_length=200, help_text="one event per cause: the same key is never sent twice")
    params = models.JSONField(default=dict)
    link = models.CharField(max_length=500, blank=True)
    recipient_ids = models.JSONField(default=list)
    created = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["organization", "key"], name="one_event_per_cause"),)
        indexes = (  # the safety net's scan (`events_dispatch_pending`) reads only these
            models.Index(
                fields=["created"], condition=models.Q(dispatched_at__isnull=True), name="event_undispatched"
            ),
        )
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

    @property
    def title(self) -> str:
        return title_for(self.kind, self.params)

    @property
    def body(self) -> str:
        return body_for(self.kind, self.params)

    @property
    def link_label(self) -> str:
        return link_label_for(self.link)


class Channel(models.TextChoices):
    IN_APP = "in_app", "in-app"
    EMAIL = "email", "e-mail"


class Notification(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="a dispatcher is sending it now (a lease: stale after a while)"
    )
    given_up = models.BooleanField(default=False, help_text="permanent failure: shown, not retried")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["event", "recipient", "channel"], name="one_delivery_per_channel"
            ),
        )
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient_id} for {self.event_id}"
