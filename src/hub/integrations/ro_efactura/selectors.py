"""Reads of the e-Factura module, scoped by organization."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet

from hub.accounts.models import Company, Organization, User
from hub.accounts.selectors import admins_of
from hub.core import clock
from hub.integrations.models import Integration
from hub.integrations.ro_efactura.conf import EFacturaConf
from hub.integrations.ro_efactura.lifetime import AccessStatus, access_status
from hub.integrations.ro_efactura.models import AuditEvent, AuthorizationStatus, SpvAuthorization

KIND = "ro-efactura"


def integration_of(organization: Organization) -> Integration | None:
    return Integration.objects.filter(organization=organization, kind=KIND).first()


def conf_of(organization: Organization) -> EFacturaConf:
    integration = integration_of(organization)
    return EFacturaConf.from_json(integration.config if integration else None)


def current_authorization(organization: Organization) -> SpvAuthorization | None:
    """The newest authorization in use (active or needing re-authorization): never a replaced or revoked
    one, so nothing renews, syncs or probes with deleted tokens."""
    return (
        SpvAuthorization.objects.filter(organization=organization)
        .exclude(status__in=[AuthorizationStatus.REPLACED, AuthorizationStatus.REVOKED])
        .select_related("authorized_by")
        .first()
    )


def authorizations_for(organization: Organization, limit: int = 20) -> list[SpvAuthorization]:
    """The organization's authorizations, newest first (status only is shown: tokens never leave)."""
    return list(
        SpvAuthorization.objects.filter(organization=organization).select_related("authorized_by")[:limit]
    )


def first_reminder_days() -> int:
    """The first reminder distance (30 days by default): from then on every page warns."""
    return max(settings.EFACTURA_REMINDER_DAYS or [30])


def access_status_of(authorization: SpvAuthorization, now: datetime | None = None) -> AccessStatus:
    """The authorization's state at `now` (the hub clock), computed from its dates."""
    return access_status(
        end=authorization.access_end,
        now=now or clock.now(),
        token_expires_at=authorization.access_expires_at,
        refused=authorization.status == AuthorizationStatus.NEEDS_REAUTHORIZATION,
        replaced=authorization.status == AuthorizationStatus.REPLACED,
        failing=authorization.failing_since is not None,
        warn_days=first_reminder_days(),
    )


def previous_authorization(authorization: SpvAuthorization) -> SpvAuthorization | None:
    """The authorization this one followed in its organization, if any."""
    return (
        SpvAuthorization.objects.filter(
            organization_id=authorization.organization_id, authorized_at__lt=authorization.authorized_at
        )
        .exclude(pk=authorization.pk)
        .first()
    )


def is_new_certificate(authorization: SpvAuthorization) -> bool:
    """Whether the authorization brought a certificate serial the organization had not used just before."""
    previous = previous_authorization(authorization)
    return previous is not None and bool(previous.serial) and previous.serial != authorization.serial


def latest_authorization(organization: Organization) -> SpvAuthorization | None:
    return SpvAuthorization.objects.filter(organization=organization).first()


def audit_of(organization: Organization) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organization=organization).select_related("actor", "authorization")


def companies_with_access(organization: Organization) -> list[Company]:
    return list(Company.objects.filter(organization=organization).select_related("spv_access"))


def notification_recipients(authorization: SpvAuthorization) -> list[User]:
    """The organization's admins, the person who authorized, and whoever the configuration adds."""
    organization = authorization.organization
    extra_ids = conf_of(organization).notify_user_ids
    users = {user.pk: user for user in admins_of(organization)}
    members = User.objects.filter(memberships__organization=organization, is_active=True)
    for user in members.filter(pk__in=[*extra_ids, authorization.authorized_by_id or 0]):
        users[user.pk] = user
    return list(users.values())
