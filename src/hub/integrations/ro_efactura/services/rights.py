"""Per authorization and company: does ANAF grant the authorization SPV rights for the CIF? (a real call)

"No rights" is an HTTP 200 with an error body at ANAF (docs/anaf.md §1.10): a result, not a crash. After a
check the companies are re-assigned (`services.serving`): only those without a working authorization move.
"""

from __future__ import annotations

import logging
from contextlib import closing

import anaf
from hub.accounts.models import Company, Organization, User
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
    authorizations_in_use,
    companies_with_access,
    notification_recipients,
)
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.integrations.ro_efactura.services.serving import companies_assign, reach_record
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)


def rights_probe(
    *, environment: str, access_token: str, companies: list[Company]
) -> dict[int, tuple[bool | None, str]]:
    """{company id: (has rights, error code)} for a token; an inconclusive answer is (None, its code)."""
    results: dict[int, tuple[bool | None, str]] = {}
    with closing(gateway.efactura_client(environment=environment, access_token=access_token)) as client:
        for company in companies:
            try:
                results[company.pk] = (bool(client.check_cif_rights(company.cif)), "")
            except anaf.AnafError as exc:
                log.info("rights check for %s failed: %s", company.cif, exc.__class__.__name__)
                results[company.pk] = (None, code_for(exc))
    return results


def company_rights_check(
    *, organization: Organization, actor: User | None = None, authorization_id: int | None = None
) -> dict[str, bool | None]:
    """Probe every company's CIF with each active authorization (or only `authorization_id`), then re-assign.

    Returns {cif: whether the company's serving authorization has rights, None if unknown}.
    """
    authorizations = [
        authorization
        for authorization in authorizations_in_use(organization)
        if authorization.status == AuthorizationStatus.ACTIVE
        and (authorization_id is None or authorization.pk == authorization_id)
    ]
    companies = companies_with_access(organization)
    for authorization in authorizations:
        found = rights_probe(
            environment=authorization.environment,
            access_token=authorization.access_token,
            companies=companies,
        )
        verdicts: dict[str, bool | None] = {}
        for company in companies:
            has_rights, error = found[company.pk]
            previous = reach_record(
                authorization=authorization, company=company, has_rights=has_rights, error=error
            )
            verdicts[company.cif] = has_rights
            if previous is True and has_rights is False and _serves(authorization, company):
                _rights_lost_raise(authorization, company)
        audit_record(
            organization=organization,
            kind=AuditKind.RIGHTS_CHECKED,
            authorization=authorization,
            actor=actor,
            serial=authorization.serial,
            **{cif: ("da/yes" if ok else "nu/no" if ok is False else "?") for cif, ok in verdicts.items()},
        )
    companies_assign(organization=organization)
    return {
        access.company.cif: access.has_rights
        for access in CompanyAccess.objects.filter(company__organization=organization).select_related(
            "company"
        )
    }


def _serves(authorization: SpvAuthorization, company: Company) -> bool:
    return CompanyAccess.objects.filter(company=company, authorization=authorization).exists()


def _rights_lost_raise(authorization: SpvAuthorization, company: Company) -> bool:
    organization = authorization.organization
    event = event_raise(
        organization=organization,
        kind=Kind.RIGHTS_LOST,
        key=f"rights-lost:{authorization.pk}:{company.pk}",
        params={"cif": company.cif},
        recipients=notification_recipients(authorization),
        link=reauthorization_link(organization.slug),
    )
    return event is not None


def company_rights_lost(*, company_id: int, authorization_id: int) -> bool:
    """Record that ANAF refused `authorization` the CIF of a company (seen by a sync, not by a probe).

    Raises the "rights lost" event when the same authorization had rights on it; returns whether it did.
    The company then moves to another active authorization with rights, if the organization has one.
    """
    authorization = SpvAuthorization.objects.select_related("organization").get(pk=authorization_id)
    company = Company.objects.get(pk=company_id)
    previous = reach_record(
        authorization=authorization, company=company, has_rights=False, error=ErrorCode.NO_SPV_RIGHTS
    )
    raised = previous is True and _rights_lost_raise(authorization, company)
    companies_assign(organization=authorization.organization)
    return raised
