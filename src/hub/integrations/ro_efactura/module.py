"""The RO e-Factura entry of the integrations registry: enabled?, card state, page URLs."""

from __future__ import annotations

from django.urls import reverse

from hub.integrations.models import Integration
from hub.integrations.registry import CardState
from hub.integrations.ro_efactura.selectors import access_status_of, current_authorization

# Shown on the card under its state: the access warning (deadline and "Autorizează din nou").
CARD_NOTICE_TEMPLATE = "ro_efactura/_card_notice.html"


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
    return CardState.AUTHORIZED if access_status_of(authorization).healthy else CardState.NEEDS_ATTENTION
