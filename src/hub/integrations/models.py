"""An integration module switched on for an organization, with its typed JSON configuration."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hub.accounts.models import Organization
from hub.integrations.registry import KIND_CHOICES


class Integration(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="integrations")
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    active = models.BooleanField(default=False)
    config = models.JSONField(default=dict, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organization", "kind"], name="one_integration_per_kind"),
        )

    def __str__(self) -> str:
        return f"{self.kind} @ {self.organization_id}"
