"""Per company: does ANAF grant the current authorization SPV rights for its CIF? (a real API call)

"No rights" is an HTTP 200 with an error body at ANAF (docs/anaf.md §1.10): a result, not a crash.
"""

from __future__ import annotations

import logging
from contextlib import closing

import anaf
from hub.accounts.models import Organization, User
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.events import Kind
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.models import (
    AuditKind,
    AuthorizationStatus,
    CompanyAccess,
    SpvAuthorization,
)
from hub.integrations.ro_efactura.selectors import (
    companies_with_access,
    current_authorization,
    notification_recipients,
)
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)


def company_rights_check(*, organization: Organization, actor: User | None = None) -> dict[str, bool | None]:
    """Probe every company's CIF with the current authorization; returns {cif: has_rights or None}."""
    authorization = current_authorization(organization)
    if authorization is None or authorization.status != AuthorizationStatus.ACTIVE:
        return {}
    with closing(
        gateway.efactura_client(
            environment=authorization.environment, access_token=authorization.access_token
        )
    ) as client:
        results = _probe(organization, authorization, client)
    audit_record(
        organization=organization,
        kind=AuditKind.RIGHTS_CHECKED,
        authorization=authorization,
        actor=actor,
        **{cif: ("da/yes" if ok else "nu/no" if ok is False else "?") for cif, ok in results.items()},
    )
    return results


def _probe(
    organization: Organization, authorization: SpvAuthorization, client: anaf.EFacturaClient
) -> dict[str, bool | None]:
    results: dict[str, bool | None] = {}
    for company in companies_with_access(organization):
        access, _ = CompanyAccess.objects.get_or_create(company=company)
        had_rights = access.has_rights is True and access.serial == authorization.serial
        try:
            has_rights: bool | None = bool(client.check_cif_rights(company.cif))
            error = ""
        except anaf.AnafError as exc:
            has_rights, error = access.has_rights, code_for(exc)
            log.info("rights check for %s failed: %s", company.cif, exc.__class__.__name__)
        access.has_rights, access.error = has_rights, error
        access.checked_at, access.serial = clock.now(), authorization.serial
        access.save()
        results[company.cif] = has_rights
        if had_rights and has_rights is False:
            event_raise(
                organization=organization,
                kind=Kind.RIGHTS_LOST,
                key=f"rights-lost:{authorization.pk}:{company.pk}",
                params={"cif": company.cif},
                recipients=notification_recipients(authorization),
                link=reauthorization_link(organization.slug),
            )
    return results


def company_rights_lost(*, company_id: int, authorization_id: int) -> bool:
    """Record that ANAF refused `authorization` the CIF of a company (seen by a sync, not by a probe).

    Raises the "rights lost" event when the same certificate had rights on it; returns whether it did.
    """
    authorization = SpvAuthorization.objects.select_related("organization").get(pk=authorization_id)
    access, _ = CompanyAccess.objects.select_related("company").get_or_create(company_id=company_id)
    had_rights = access.has_rights is True and access.serial == authorization.serial
    access.has_rights, access.error = False, ErrorCode.NO_SPV_RIGHTS
    access.checked_at, access.serial = clock.now(), authorization.serial
    access.save()
    if not had_rights:
        return False
    organization = authorization.organization
    event = event_raise(
        organization=organization,
        kind=Kind.RIGHTS_LOST,
        key=f"rights-lost:{authorization.pk}:{company_id}",
        params={"cif": access.company.cif},
        recipients=notification_recipients(authorization),
        link=reauthorization_link(organization.slug),
    )
    return event is not None
