"""Authorization with the certificate: one-time state, the callback's code exchange, storing tokens.

docs/anaf.md §1.4-§1.5: the code lives about 60 s, so it is exchanged at once. A failure of any kind
leaves the earlier authorizations untouched: a row is written only after a successful exchange, and, when a
working authorization exists, only if the new certificate has SPV rights for at least one company.

An organization keeps one authorization per certificate and environment: a login with a certificate it
already holds refreshes that authorization in place; another certificate adds one. The new one serves the
companies that had no working authorization; the others only could be switched to it by the owner.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction

import anaf
from anaf import TokenSet
from hub.accounts.models import Company, Membership, Organization, User
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.events import Kind
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.models import (
    IN_USE,
    AuditKind,
    AuthorizationStatus,
    CompanyAccess,
    OAuthState,
    SpvAuthorization,
)
from hub.integrations.ro_efactura.selectors import (
    authorizations_in_use,
    companies_with_access,
    conf_of,
    is_usable,
    notification_recipients,
    reach_of,
)
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.integrations.ro_efactura.services.rights import rights_probe
from hub.integrations.ro_efactura.services.serving import companies_assign, reach_record
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)


@dataclass
class AuthorizationError(Exception):
    """A callback that ends without a new authorization; `organization` is known when the state was."""

    code: ErrorCode
    organization: Organization | None = None
    popup: bool = False


@dataclass(frozen=True)
class AuthorizationOutcome:
    """A stored authorization: whether it refreshed one the organization held (same certificate), the
    companies it serves and those with rights on it that stay with another working authorization."""

    authorization: SpvAuthorization
    popup: bool
    refreshed: bool
    serves: list[Company]
    could_serve: list[Company]


def authorization_start(*, organization: Organization, user: User, popup: bool) -> str:
    """Record a one-time state bound to user + organization; returns the ANAF authorize URL."""
    environment = conf_of(organization).environment
    try:
        client = gateway.oauth_client(environment)
    except gateway.NotConfigured as exc:
        raise AuthorizationError(ErrorCode.NOT_CONFIGURED, organization, popup) from exc
    state = OAuthState.objects.create(
        value=secrets.token_urlsafe(32),
        organization=organization,
        user=user,
        environment=environment,
        popup=popup,
        created=clock.now(),
    )
    audit_record(
        organization=organization, kind=AuditKind.AUTHORIZATION_STARTED, actor=user, environment=environment
    )
    with closing(client):
        return str(client.authorize_url(state.value))


def oauth_states_purge() -> int:
    """Forget started authorizations older than a day (used or not); returns how many."""
    deleted, _ = OAuthState.objects.filter(created__lt=clock.now() - timedelta(days=1)).delete()
    return deleted


def _consume_state(*, user: User, value: str) -> OAuthState:
    state = OAuthState.objects.select_related("organization").filter(value=value).first() if value else None
    if state is None:
        raise AuthorizationError(ErrorCode.BAD_STATE)
    popup, organization = state.popup, state.organization
    too_old = state.created < clock.now() - timedelta(minutes=settings.EFACTURA_OAUTH_STATE_MINUTES)
    if state.user_id != user.pk or too_old:
        raise AuthorizationError(
            ErrorCode.BAD_STATE, organization if state.user_id == user.pk else None, popup
        )
    used = OAuthState.objects.filter(pk=state.pk, used_at__isnull=True).update(used_at=clock.now())
    if used != 1:
        raise AuthorizationError(ErrorCode.BAD_STATE, organization, popup)
    return state


def authorization_complete(*, user: User, state: str, code: str, error: str) -> AuthorizationOutcome:
    """Handle ANAF's redirect: consume the state, exchange the code, store or refresh the authorization."""
    oauth_state = _consume_state(user=user, value=state)
    organization, popup = oauth_state.organization, oauth_state.popup

    def fail(reason: ErrorCode, detail: str = "") -> AuthorizationError:
        audit_record(
            organization=organization,
            kind=AuditKind.AUTHORIZATION_FAILED,
            actor=user,
            error=reason,
            detail=detail or None,
        )
        return AuthorizationError(reason, organization, popup)

    membership = Membership.objects.filter(organization=organization, user=user).first()
    if membership is None or not membership.can_authorize:
        raise fail(ErrorCode.NO_PERMISSION)
    if error:
        raise fail(ErrorCode.ACCESS_DENIED if error == "access_denied" else ErrorCode.ANAF_ERROR, error[:60])
    if not code:
        raise fail(ErrorCode.ANAF_ERROR, "no code")
    try:
        with closing(gateway.oauth_client(oauth_state.environment)) as client:
            tokens = client.exchange_code(code)
    except gateway.NotConfigured as exc:
        raise fail(ErrorCode.NOT_CONFIGURED) from exc
    except anaf.AnafError as exc:
        reason = code_for(exc)
        if reason in {ErrorCode.REAUTHORIZATION_REQUIRED, ErrorCode.ANAF_ERROR} and not isinstance(
            exc, anaf.TransportError
        ):
            reason = ErrorCode.CODE_EXPIRED
        log.warning("code exchange refused: %s", exc.__class__.__name__)
        raise fail(reason, exc.__class__.__name__) from exc
    if tokens.roles and not any("EFACTURA" in role for role in tokens.roles):
        raise fail(ErrorCode.NO_SERVICE, ",".join(tokens.roles))
    companies = companies_with_access(organization)
    found = rights_probe(
        environment=oauth_state.environment, access_token=tokens.access_token, companies=companies
    )
    same = _same_certificate(organization, oauth_state.environment, tokens.serial)
    if same is None and _reaches_none(organization, found):
        cifs = ", ".join(company.cif for company in companies)
        raise fail(ErrorCode.NO_SPV_RIGHTS, f"serial {tokens.serial}; CIF {cifs}")
    authorization = _store(
        organization=organization, user=user, environment=oauth_state.environment, tokens=tokens, same=same
    )
    with transaction.atomic():
        for company in companies:
            has_rights, probe_error = found[company.pk]
            reach_record(
                authorization=authorization, company=company, has_rights=has_rights, error=probe_error
            )
        if companies:
            audit_record(
                organization=organization,
                kind=AuditKind.RIGHTS_CHECKED,
                authorization=authorization,
                actor=user,
                serial=authorization.serial,
                **{company.cif: _verdict_word(found[company.pk][0]) for company in companies},
            )
        companies_assign(organization=organization)
    outcome = _outcome(authorization, popup=popup, refreshed=same is not None, companies=companies)
    if same is None and len(authorizations_in_use(organization)) > 1:
        _certificate_added_raise(outcome)
    return outcome


def _verdict_word(has_rights: bool | None) -> str:
    return "da/yes" if has_rights else "nu/no" if has_rights is False else "?"


def _same_certificate(organization: Organization, environment: str, serial: str) -> SpvAuthorization | None:
    """The authorization in use made with this certificate in this environment, if any."""
    return SpvAuthorization.objects.filter(
        organization=organization, environment=environment, serial=serial, status__in=IN_USE
    ).first()


def _reaches_none(organization: Organization, found: dict[int, tuple[bool | None, str]]) -> bool:
    """True when a working authorization exists and the new token was refused every CIF.

    An inconclusive answer (ANAF down) proves nothing: a hiccup must not refuse a good certificate.
    """
    working = any(is_usable(row) for row in authorizations_in_use(organization))
    return working and bool(found) and all(has_rights is False for has_rights, _ in found.values())


def _outcome(
    authorization: SpvAuthorization, *, popup: bool, refreshed: bool, companies: list[Company]
) -> AuthorizationOutcome:
    served = set(
        CompanyAccess.objects.filter(authorization=authorization).values_list("company_id", flat=True)
    )
    reach = reach_of(authorization.organization)
    could = {
        company.pk
        for company in companies
        if company.pk not in served
        and (row := reach.get((authorization.pk, company.pk))) is not None
        and row.has_rights is True
    }
    return AuthorizationOutcome(
        authorization=authorization,
        popup=popup,
        refreshed=refreshed,
        serves=[company for company in companies if company.pk in served],
        could_serve=[company for company in companies if company.pk in could],
    )


def company_label(company: Company) -> str:
    return f"{company.name} ({company.cif})" if company.name else company.cif


def _certificate_added_raise(outcome: AuthorizationOutcome) -> None:
    authorization = outcome.authorization
    organization = authorization.organization
    event_raise(
        organization=organization,
        kind=Kind.CERTIFICATE_CHANGED,
        key=f"certificate-added:{authorization.pk}",
        params={
            "serial": authorization.serial,
            "person": str(authorization.authorized_by or "—"),
            "serves": ", ".join(company_label(company) for company in outcome.serves) or "—",
            "could_serve": ", ".join(company_label(company) for company in outcome.could_serve) or "—",
        },
        recipients=notification_recipients(authorization),
        link=reauthorization_link(organization.slug),
    )


def _store(
    *,
    organization: Organization,
    user: User,
    environment: str,
    tokens: TokenSet,
    same: SpvAuthorization | None,
) -> SpvAuthorization:
    """Refresh `same` in place (a login with a certificate already held) or add an authorization."""
    now = clock.now()
    with transaction.atomic():
        fields = {
            "authorized_by": user,
            "authorized_at": now,
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "access_expires_at": tokens.access_expires_at,
            "refresh_expires_at": tokens.refresh_expires_at,
            "issuer": tokens.issuer,
            "roles": list(tokens.roles),
            "client_id": tokens.client_id,
        }
        if same is not None:
            authorization = SpvAuthorization.objects.select_for_update().get(pk=same.pk)
            for name, value in fields.items():
                setattr(authorization, name, value)
            authorization.status = AuthorizationStatus.ACTIVE
            authorization.last_error, authorization.failing_since = "", None
            authorization.save()
        else:
            authorization = SpvAuthorization.objects.create(
                organization=organization, environment=environment, serial=tokens.serial, **fields
            )
        audit_record(
            organization=organization,
            kind=AuditKind.AUTHORIZED,
            authorization=authorization,
            actor=user,
            serial=tokens.serial,
            refreshed="yes" if same is not None else "no",
            access_expires_at=tokens.access_expires_at.isoformat(),
            refresh_expires_at=tokens.refresh_expires_at.isoformat(),
        )
    return authorization
