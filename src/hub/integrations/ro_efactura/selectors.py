"""Reads of the e-Factura module, scoped by organization."""

from __future__ import annotations

from django.db.models import QuerySet

from hub.accounts.models import Company, Organization, User
from hub.accounts.selectors import admins_of
from hub.integrations.models import Integration
from hub.integrations.ro_efactura.conf import EFacturaConf
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
