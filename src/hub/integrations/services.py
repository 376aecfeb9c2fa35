"""Switching integration modules on and off for an organization."""

from __future__ import annotations

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.integrations.models import Integration
from hub.integrations.registry import get_kind


class IntegrationUnavailable(ValueError):
    """The kind is unknown or not available on this instance."""


def integration_activate(*, organization: Organization, kind: str, user: User) -> Integration:
    spec = get_kind(kind)
    if spec is None or spec.module_path is None:
        raise IntegrationUnavailable(kind)
    integration, _ = Integration.objects.get_or_create(organization=organization, kind=kind)
    if not integration.active:
        integration.active = True
        integration.activated_at = clock.now()
        integration.activated_by = user
        integration.save(update_fields=["active", "activated_at", "activated_by"])
    return integration


def integration_deactivate(*, organization: Organization, kind: str) -> None:
    Integration.objects.filter(organization=organization, kind=kind).update(active=False)
