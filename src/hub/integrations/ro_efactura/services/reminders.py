"""Reminders before a new certificate login is needed, and the "unusable for 24 h" alarm."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from hub.core import clock
from hub.core.events import Kind
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import notification_recipients
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.notifications.services import event_raise


def reminder_threshold(days_left: int) -> int | None:
    """The nearest configured distance (30, 14, 7, 3, 1 days) already reached, if any."""
    reached = [days for days in settings.EFACTURA_REMINDER_DAYS if days_left <= days]
    return min(reached) if reached else None


def authorizations_remind() -> int:
    """Raise the due reminders and alarms; each cause once (the event key). Returns events raised."""
    now = clock.now()
    raised = 0
    for authorization in SpvAuthorization.objects.filter(status=AuthorizationStatus.ACTIVE).select_related(
        "organization"
    ):
        days_left = max(0, math.ceil((authorization.reauthorize_by - now) / timedelta(days=1)))
        threshold = reminder_threshold(days_left)
        if threshold is not None:
            event = event_raise(
                organization=authorization.organization,
                kind=Kind.EXPIRING,
                key=f"expiring:{authorization.pk}:{threshold}",
                params={"days": days_left, "deadline": authorization.reauthorize_by.isoformat()},
                recipients=notification_recipients(authorization),
                link=reauthorization_link(authorization.organization.slug),
            )
            raised += event is not None
    limit = now - timedelta(hours=settings.EFACTURA_UNUSABLE_ALERT_HOURS)
    unusable = SpvAuthorization.objects.filter(
        Q(status=AuthorizationStatus.ACTIVE) | Q(status=AuthorizationStatus.NEEDS_REAUTHORIZATION),
        failing_since__lte=limit,
    ).select_related("organization")
    for authorization in unusable:
        assert authorization.failing_since is not None
        event = event_raise(
            organization=authorization.organization,
            kind=Kind.UNUSABLE,
            key=f"unusable:{authorization.pk}:{authorization.failing_since.isoformat()}",
            params={"since": authorization.failing_since.isoformat()},
            recipients=notification_recipients(authorization),
            link=reauthorization_link(authorization.organization.slug),
        )
        raised += event is not None
    return raised
