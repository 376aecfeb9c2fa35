"""The RO e-Factura entry of the integrations registry: enabled?, card state, page URLs."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from hub.core import clock
from hub.integrations.models import Integration
from hub.integrations.registry import CardState
from hub.integrations.ro_efactura.models import AuthorizationStatus
from hub.integrations.ro_efactura.selectors import current_authorization


def is_enabled() -> bool:
    return True


def page_url(slug: str) -> str:
    return reverse("ro-efactura", kwargs={"slug": slug})


def configure_url(slug: str) -> str:
    return reverse("ro-efactura-configure", kwargs={"slug": slug})


def card_state(integration: Integration) -> CardState:
    authorization = current_authorization(integration.organization)
    if authorization is None or not integration.organization.companies.exists():
        return CardState.NEEDS_CONFIGURATION
    first_reminder = max(settings.EFACTURA_REMINDER_DAYS or [30])
    if (
        authorization.status != AuthorizationStatus.ACTIVE
        or authorization.failing_since is not None
        or authorization.reauthorize_by - clock.now() <= timedelta(days=first_reminder)
    ):
        return CardState.NEEDS_ATTENTION
    return CardState.AUTHORIZED
