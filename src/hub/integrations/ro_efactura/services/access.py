"""An `anaf.EFacturaClient` for a company, from its organization's current SPV authorization.

Uses the hub's authorization and renewal services: a token about to expire is renewed first (single-flight),
so a sync never starts with a token ANAF will refuse.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from hub.accounts.models import Company
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.problems import SyncError, SyncProblem
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import current_authorization, integration_of

if TYPE_CHECKING:
    from anaf import EFacturaClient

RENEW_MARGIN = timedelta(minutes=10)


def usable_authorization(company: Company) -> SpvAuthorization:
    """The organization's authorization, renewed if it is about to expire; raises `SyncError` if unusable."""
    organization = company.organization
    integration = integration_of(organization)
    if integration is None or not integration.active:
        raise SyncError(SyncProblem.NOT_ACTIVE)
    authorization = current_authorization(organization)
    if authorization is None:
        raise SyncError(SyncProblem.NO_AUTHORIZATION)
    if authorization.status == AuthorizationStatus.ACTIVE and (
        authorization.access_expires_at <= clock.now() + RENEW_MARGIN
    ):
        from hub.integrations.ro_efactura.services.renewal import RenewalTransientError, authorization_renew

        try:
            authorization_renew(authorization_id=authorization.pk)
        except RenewalTransientError as exc:
            raise SyncError(ErrorCode.ANAF_DOWN, str(exc)) from exc
        authorization.refresh_from_db()
    if authorization.status == AuthorizationStatus.NEEDS_REAUTHORIZATION:
        raise SyncError(ErrorCode.REAUTHORIZATION_REQUIRED)
    if authorization.access_expires_at <= clock.now():
        raise SyncError(SyncProblem.AUTHORIZATION_EXPIRED)
    return authorization


def client_for(company: Company, authorization: SpvAuthorization | None = None) -> EFacturaClient:
    """A client on `authorization` (already checked by `usable_authorization`) or on the company's own."""
    authorization = authorization or usable_authorization(company)
    return gateway.efactura_client(
        environment=authorization.environment, access_token=authorization.access_token
    )
