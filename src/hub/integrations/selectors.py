"""The integration cards of an organization."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from hub.accounts.models import Organization
from hub.integrations.models import Integration
from hub.integrations.registry import CARD_LABELS, REGISTRY, CardState, IntegrationKind


@dataclass(frozen=True)
class Card:
    spec: IntegrationKind
    state: CardState
    state_label: Promise
    integration: Integration | None
    url: str | None
    notice_template: str | None = None


def integration_get(*, organization: Organization, kind: str) -> Integration | None:
    return Integration.objects.filter(organization=organization, kind=kind).first()


def cards_for(organization: Organization) -> list[Card]:
    existing = {row.kind: row for row in Integration.objects.filter(organization=organization)}
    cards = []
    for spec in REGISTRY.values():
        integration = existing.get(spec.kind)
        module = spec.module()
        if module is None:
            state = CardState.UNAVAILABLE
        elif integration is None or not integration.active:
            state = CardState.NOT_ACTIVE
        else:
            state = module.card_state(integration)
        url = module.page_url(organization.slug) if module else None
        notice = getattr(module, "CARD_NOTICE_TEMPLATE", None) if integration and integration.active else None
        cards.append(Card(spec, state, CARD_LABELS[state], integration, url, notice))
    return cards
