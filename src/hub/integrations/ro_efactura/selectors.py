"""Reads of the e-Factura module, scoped by organization."""

from __future__ import annotations

from django.db.models import QuerySet

from hub.accounts.models import Company, Organization, User
from hub.accounts.selectors import admins_of
from hub.integrations.models import Integration
from hub.integrations.ro_efactura.conf import EFacturaConf
from hub.integrations.ro_efactura.models import (
    IN_USE,
    AuditEvent,
    AuthorizationReach,
    AuthorizationStatus,
    CompanyAccess,
    SpvAuthorization,
)

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


def authorizations_in_use(organization: Organization) -> list[SpvAuthorization]:
    """Every authorization the organization keeps (active or needing re-authorization), newest first."""
    return list(
        SpvAuthorization.objects.filter(organization=organization, status__in=IN_USE).select_related(
            "authorized_by"
        )
    )


def serving_authorization(company: Company) -> SpvAuthorization | None:
    """The authorization that serves `company` (None when none was chosen yet)."""
    access = CompanyAccess.objects.filter(company=company).select_related("authorization").first()
    if access is None or access.authorization is None or access.authorization.status not in IN_USE:
        return None
    return access.authorization


def served_cifs(authorization: SpvAuthorization) -> list[str]:
    """The CIFs of the companies `authorization` serves."""
    return sorted(
        CompanyAccess.objects.filter(authorization=authorization).values_list("company__cif", flat=True)
    )


def reach_of(organization: Organization) -> dict[tuple[int, int], AuthorizationReach]:
    """{(authorization id, company id): what ANAF last said} for the organization's authorizations in use."""
    rows = AuthorizationReach.objects.filter(
        authorization__organization=organization, authorization__status__in=IN_USE
    )
    return {(row.authorization_id, row.company_id): row for row in rows}


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
    return list(
        Company.objects.filter(organization=organization).select_related(
            "spv_access", "spv_access__authorization", "spv_access__authorization__authorized_by"
        )
    )


def notification_recipients(authorization: SpvAuthorization) -> list[User]:
    """The organization's admins, the person who authorized, and whoever the configuration adds."""
    organization = authorization.organization
    extra_ids = conf_of(organization).notify_user_ids
    users = {user.pk: user for user in admins_of(organization)}
    members = User.objects.filter(memberships__organization=organization, is_active=True)
    for user in members.filter(pk__in=[*extra_ids, authorization.authorized_by_id or 0]):
        users[user.pk] = user
    return list(users.values())
