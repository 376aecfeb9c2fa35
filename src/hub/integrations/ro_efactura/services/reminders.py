"""Reminders before the access ends (a new certificate login, or the certificate's own expiry) and the
"unusable for 24 h" alarm. The deadline is the one every page shows (`lifetime.access_end`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from hub.core import clock
from hub.core.events import Kind
from hub.integrations.ro_efactura.lifetime import AccessLimit
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import access_status_of, notification_recipients
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
        status = access_status_of(authorization, now)
        threshold = reminder_threshold(status.days_left)
        if threshold is None:
            continue
        if status.end.limit == AccessLimit.CERTIFICATE:
            # A corrected date is a new cause: its reminders start over.
            valid_until = authorization.certificate_valid_until
            key = f"certificate-expiring:{authorization.pk}:{valid_until}:{threshold}"
        else:
            key = f"expiring:{authorization.pk}:{threshold}"
        event = event_raise(
            organization=authorization.organization,
            kind=Kind.EXPIRING,
            key=key,
            params={
                "days": status.days_left,
                "deadline": status.ends_at.isoformat(),
                "limit": str(status.end.limit),
                "serial": authorization.serial,
            },
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
