"""Which authorization serves each company, and what each authorization reaches.

A company is served by one authorization in use. It is chosen automatically among the active ones with SPV
rights on its CIF (the one serving it already first, then the newest), and the owner may change it among
those. A company keeps a working authorization (active, rights not refused) until the owner moves it: a new
certificate login never takes a company away. Without any candidate the company stays with (or falls back
to) an authorization in use, so a sync names the cause ("no SPV rights", "re-authorize").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hub.accounts.models import Company, Organization, User
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.integrations.ro_efactura.models import (
    IN_USE,
    AuditKind,
    AuthorizationReach,
    AuthorizationStatus,
    CompanyAccess,
    SpvAuthorization,
)
from hub.integrations.ro_efactura.selectors import (
    authorizations_in_use,
    companies_with_access,
    is_usable,
    reach_of,
)
from hub.integrations.ro_efactura.services.audit import audit_record


@dataclass(frozen=True)
class Move:
    """A company now served by another authorization (None: by none)."""

    company: Company
    previous: SpvAuthorization | None
    authorization: SpvAuthorization | None


@dataclass
class ServingRefused(Exception):
    """The chosen authorization cannot serve the company (not found, not active, no SPV rights)."""

    code: ErrorCode


def reach_record(
    *, authorization: SpvAuthorization, company: Company, has_rights: bool | None, error: str = ""
) -> bool | None:
    """Store what ANAF answered for this pair; returns the verdict held before.

    An inconclusive answer (`has_rights` None with an `error`) keeps the earlier verdict, records the error.
    """
    row, _ = AuthorizationReach.objects.get_or_create(authorization=authorization, company=company)
    previous = row.has_rights
    if has_rights is not None or not error:
        row.has_rights = has_rights
    row.error, row.checked_at = error, clock.now()
    row.save()
    access, _ = CompanyAccess.objects.get_or_create(company=company)
    if access.authorization_id == authorization.pk:
        _mirror(access, authorization, row)
        access.save()
    return previous


def _mirror(
    access: CompanyAccess, authorization: SpvAuthorization | None, row: AuthorizationReach | None
) -> None:
    """Copy the serving authorization's verdict onto the company's access row (what every page reads)."""
    access.serial = authorization.serial if authorization else ""
    access.has_rights = row.has_rights if row else None
    access.checked_at = row.checked_at if row else None
    access.error = row.error if row else ""


def _keeps(authorization: SpvAuthorization, row: AuthorizationReach | None) -> bool:
    return is_usable(authorization) and (row is None or row.has_rights is not False)


def companies_assign(*, organization: Organization) -> list[Move]:
    """Give every company without a working serving authorization the best one in use; returns the moves."""
    in_use = authorizations_in_use(organization)
    active = [authorization for authorization in in_use if is_usable(authorization)]
    reach = reach_of(organization)
    moves: list[Move] = []
    with transaction.atomic():
        for company in companies_with_access(organization):
            access = CompanyAccess.objects.filter(company=company).select_related("authorization").first()
            access = access or CompanyAccess.objects.create(company=company)
            current = (
                access.authorization
                if access.authorization and access.authorization.status in IN_USE
                else None
            )
            chosen = current
            if current is None or not _keeps(current, reach.get((current.pk, company.pk))):
                with_rights = [
                    authorization
                    for authorization in active
                    if (row := reach.get((authorization.pk, company.pk))) is not None
                    and row.has_rights is True
                ]
                # No one has rights: stay with an active one, else prefer any active to one needing
                # re-authorization, so a sync names the cause that a new login would not fix.
                keep = current if current and is_usable(current) else None
                fallback = keep or next(iter(active), None) or current or next(iter(in_use), None)
                chosen = with_rights[0] if with_rights else fallback
            if (chosen.pk if chosen else None) != access.authorization_id:
                moves.append(Move(company=company, previous=current, authorization=chosen))
                audit_record(
                    organization=organization,
                    kind=AuditKind.SERVING_CHANGED,
                    authorization=chosen,
                    cif=company.cif,
                    previous_serial=current.serial if current else None,
                    serial=chosen.serial if chosen else None,
                    chosen_by="automatic",
                )
            access.authorization = chosen
            _mirror(access, chosen, reach.get((chosen.pk, company.pk)) if chosen else None)
            access.save()
    return moves


def company_serving_set(
    *, organization: Organization, company_id: int, authorization_id: int, actor: User
) -> Move | None:
    """The owner's choice of the authorization serving a company; returns the move (None: no change).

    Only an active authorization of the organization with SPV rights on the company's CIF is accepted.
    """
    company = Company.objects.filter(organization=organization, pk=company_id).first()
    authorization = SpvAuthorization.objects.filter(
        organization=organization, pk=authorization_id, status=AuthorizationStatus.ACTIVE
    ).first()
    if company is None or authorization is None:
        raise ServingRefused(ErrorCode.NO_PERMISSION)
    if not is_usable(authorization):
        raise ServingRefused(ErrorCode.REAUTHORIZATION_REQUIRED)
    row = AuthorizationReach.objects.filter(authorization=authorization, company=company).first()
    if row is None or row.has_rights is not True:
        raise ServingRefused(ErrorCode.NO_SPV_RIGHTS)
    with transaction.atomic():
        access, _ = CompanyAccess.objects.select_for_update().get_or_create(company=company)
        previous = access.authorization
        if previous is not None and previous.pk == authorization.pk:
            return None
        access.authorization = authorization
        _mirror(access, authorization, row)
        access.save()
        audit_record(
            organization=organization,
            kind=AuditKind.SERVING_CHANGED,
            authorization=authorization,
            actor=actor,
            cif=company.cif,
            previous_serial=previous.serial if previous else None,
            serial=authorization.serial,
            chosen_by="owner",
        )
    return Move(company=company, previous=previous, authorization=authorization)
