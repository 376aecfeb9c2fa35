"""The access warning shown on the module page, the Integrări card and Facturi primite; worded filters."""

from __future__ import annotations

from typing import Any

from django import template

from hub.accounts.models import Organization
from hub.core.errors import message_for
from hub.core.wording import days_phrase
from hub.integrations.ro_efactura.models import AuditEvent
from hub.integrations.ro_efactura.selectors import access_status_of, current_authorization, integration_of
from hub.integrations.ro_efactura.texts import audit_sentence

register = template.Library()


@register.inclusion_tag("ro_efactura/_access_warning.html", takes_context=True)
def ro_efactura_access_warning(context: template.Context, place: str = "module") -> dict[str, Any]:
    """From the first reminder distance on (and once access ended): the deadline and the way out."""
    organization: Organization | None = context.get("current_organization")
    integration = integration_of(organization) if organization else None
    authorization = None
    if organization is not None and integration is not None and integration.active:
        authorization = current_authorization(organization)
    status = access_status_of(authorization) if authorization else None
    membership = context.get("membership")
    return {
        "show": status is not None and (status.expiring or status.needs_reauthorization),
        "status": status,
        "authorization": authorization,
        "place": place,
        "can_authorize": bool(membership and membership.can_authorize),
        "current_organization": organization,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def days(count: int) -> str:
    return days_phrase(int(count))


@register.filter
def problem(code: str) -> str:
    """The sentence of an error code (never the code itself)."""
    return message_for(code) if code else ""


@register.filter
def sentence(event: AuditEvent) -> str:
    return audit_sentence(event)
