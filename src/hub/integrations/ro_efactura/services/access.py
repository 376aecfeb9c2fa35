"""The one way in and out of a company's ANAF authorization, for every use of the e-Factura API: the inbox
sync today, the outbox and the accountant's desk next. Nothing outside `ro_efactura` touches the tokens.

In: `client_for(company)` is a ready `anaf.EFacturaClient` on the company's serving authorization (one of
the organization's several, `services.serving`); a token about
to expire is renewed first (single-flight, `services.renewal`), so a use never starts with a token ANAF will
refuse. The client gets its tokens from an `anaf.TokenProvider` over the authorization's row
(`AuthorizationTokenStore`): when ANAF refuses the access token in the middle of a use, it renews once, under
the row lock, and only if no other worker rotated the pair meanwhile. Out: `use_report` takes back what a use
taught: the CIF's rights are gone, ANAF refuses the token, or the token works (which clears a refusal
recorded earlier).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import anaf
from hub.accounts.models import Company
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.problems import SyncError, SyncProblem
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.anaf_errors import TOKEN_REFUSALS, code_for
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import integration_of, serving_authorization
from hub.integrations.ro_efactura.services.renewal import RenewalTransientError, authorization_renew
from hub.integrations.ro_efactura.services.rights import company_rights_lost
from hub.integrations.ro_efactura.services.serving import companies_assign

log = logging.getLogger(__name__)
RENEW_MARGIN = timedelta(minutes=10)


def usable_authorization(company: Company) -> SpvAuthorization:
    """The company's serving authorization, renewed if about to expire; raises `SyncError` if unusable."""
    organization = company.organization
    integration = integration_of(organization)
    if integration is None or not integration.active:
        raise SyncError(SyncProblem.NOT_ACTIVE)
    authorization = serving_authorization(company)
    if authorization is None:  # a company added since the last assignment
        companies_assign(organization=organization)
        authorization = serving_authorization(company)
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


class AuthorizationTokenStore:
    """The `anaf.TokenStore` of one authorization: its row, tokens encrypted at rest (MultiFernet fields)."""

    def __init__(self, authorization_id: int) -> None:
        self.authorization_id = authorization_id

    def load(self) -> anaf.TokenSet | None:
        row = SpvAuthorization.objects.filter(
            pk=self.authorization_id, status=AuthorizationStatus.ACTIVE
        ).first()
        if row is None:
            return None
        return anaf.TokenSet(
            access_token=row.access_token,
            refresh_token=row.refresh_token,
            access_expires_at=row.access_expires_at,
            refresh_expires_at=row.refresh_expires_at,
            issued_at=None,
            serial=row.serial,
            issuer=row.issuer,
            roles=tuple(row.roles),
            client_id=row.client_id,
        )

    def save(self, tokens: anaf.TokenSet) -> None:
        """Keep `tokens` unless the row already holds a pair that lives longer (never go back in time)."""
        SpvAuthorization.objects.filter(
            pk=self.authorization_id, access_expires_at__lt=tokens.access_expires_at
        ).update(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            access_expires_at=tokens.access_expires_at,
            refresh_expires_at=tokens.refresh_expires_at,
        )

    def clear(self) -> None:
        """The pair is unusable: a person must authorize again."""
        SpvAuthorization.objects.filter(pk=self.authorization_id).update(
            status=AuthorizationStatus.NEEDS_REAUTHORIZATION
        )


class LockedRefresh:
    """The `anaf` provider's refresher: `authorization_renew` under the row lock, so however many workers saw
    the same refused token, ANAF's rotating refresh token is spent once.

    A renewal that fails for now (recorded on the row by the renewal) hands back the pair in the row: the use
    goes on with it, and a token ANAF refused is refused again, as `anaf.InvalidToken`.
    """

    def __init__(self, authorization_id: int) -> None:
        self.authorization_id = authorization_id

    def refresh(self, refresh_token: str) -> anaf.TokenSet:
        try:
            authorization_renew(
                authorization_id=self.authorization_id, force=True, unless_rotated_from=refresh_token
            )
        except RenewalTransientError as exc:
            log.info("renewal during a use failed for now: %s", exc)
        tokens = AuthorizationTokenStore(self.authorization_id).load()
        if tokens is None:  # the renewal was refused for good (the row says so and raised the event)
            raise anaf.ReauthorizationRequired("ANAF refused to renew the authorization.")
        return tokens


def client_for(company: Company, authorization: SpvAuthorization | None = None) -> anaf.EFacturaClient:
    """A client on `authorization` (already checked by `usable_authorization`) or on the company's own."""
    authorization = authorization or usable_authorization(company)
    tokens = anaf.TokenProvider(
        LockedRefresh(authorization.pk),
        AuthorizationTokenStore(authorization.pk),
        refresh_margin=RENEW_MARGIN,
        clock=clock.now,
    )
    return gateway.efactura_client(environment=authorization.environment, access_token=tokens)


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
