"""The one way in and out of a company's ANAF authorization, for every use of the e-Factura API: the inbox
sync today, the outbox and the accountant's desk next. Nothing outside `ro_efactura` touches the tokens.

In: `client_for(company)` is a ready `anaf.EFacturaClient` on the organization's authorization; a token about
to expire is renewed first (single-flight, `services.renewal`), so a use never starts with a token ANAF will
refuse. Out: `use_report` takes back what a use taught: the CIF's rights are gone, ANAF refuses the token, or
the token works (which clears a refusal recorded earlier).
"""

from __future__ import annotations

from datetime import timedelta

import anaf
from hub.accounts.models import Company
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.problems import SyncError, SyncProblem
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import current_authorization, integration_of
from hub.integrations.ro_efactura.services.renewal import RenewalTransientError, authorization_renew
from hub.integrations.ro_efactura.services.rights import company_rights_lost

RENEW_MARGIN = timedelta(minutes=10)
TOKEN_REFUSALS = (ErrorCode.INVALID_TOKEN, ErrorCode.REAUTHORIZATION_REQUIRED)


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


def client_for(company: Company, authorization: SpvAuthorization | None = None) -> anaf.EFacturaClient:
    """A client on `authorization` (already checked by `usable_authorization`) or on the company's own."""
    authorization = authorization or usable_authorization(company)
    return gateway.efactura_client(
        environment=authorization.environment, access_token=authorization.access_token
    )


def use_report(*, company: Company, authorization_id: int, error: anaf.AnafError | None) -> None:
    """What a use of the authorization for `company` taught: `error` is what stopped it, None if it worked.

    A refusal of the whole CIF marks its rights lost; a refused token is recorded on the authorization;
    other errors (ANAF down, a quota) say nothing about the authorization.
    """
    if error is None:
        authorization_use_record(authorization_id=authorization_id, error="")
    elif isinstance(error, anaf.NoSpvRights):
        company_rights_lost(company_id=company.pk, authorization_id=authorization_id)
    elif isinstance(error, anaf.InvalidToken | anaf.ReauthorizationRequired):
        authorization_use_record(authorization_id=authorization_id, error=code_for(error))


def authorization_use_record(*, authorization_id: int, error: str) -> None:
    """What a user of the token saw: `error` is the code of ANAF refusing the token, or "" when it worked.

    A refusal starts `failing_since` (kept if already set), so the "unusable for 24 h" alarm
    (`reminders.authorizations_remind`) covers it; success clears only a refusal recorded this way, never a
    renewal failure, which the next renewal settles.
    """
    rows = SpvAuthorization.objects.filter(pk=authorization_id)
    if error:
        rows.update(last_error=error)
        rows.filter(failing_since__isnull=True).update(failing_since=clock.now())
    else:
        rows.filter(status=AuthorizationStatus.ACTIVE, last_error__in=TOKEN_REFUSALS).update(
            last_error="", failing_since=None
        )
