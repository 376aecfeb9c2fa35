"""Authorization with the certificate: one-time state, the callback's code exchange, storing tokens.

docs/anaf.md §1.4-§1.5: the code lives about 60 s, so it is exchanged at once. A failure of any kind
leaves the earlier authorization untouched: the new row is written only after a successful exchange, and,
when a working authorization exists, only if the new certificate has SPV rights for at least one company.
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
from hub.accounts.models import Membership, Organization, User
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.events import Kind
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.models import AuditKind, AuthorizationStatus, OAuthState, SpvAuthorization
from hub.integrations.ro_efactura.selectors import (
    companies_with_access,
    conf_of,
    current_authorization,
    latest_authorization,
    notification_recipients,
)
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)


@dataclass
class AuthorizationError(Exception):
    """A callback that ends without a new authorization; `organization` is known when the state was."""

    code: ErrorCode
    organization: Organization | None = None
    popup: bool = False


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


def authorization_complete(*, user: User, state: str, code: str, error: str) -> tuple[SpvAuthorization, bool]:
    """Handle ANAF's redirect: consume the state, exchange the code, store the new authorization.

    Returns the authorization and whether the flow ran in a popup.
    """
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
    refused_cifs = _cifs_out_of_reach(
        organization=organization, environment=oauth_state.environment, access_token=tokens.access_token
    )
    if refused_cifs:
        raise fail(ErrorCode.NO_SPV_RIGHTS, f"serial {tokens.serial}; CIF {', '.join(refused_cifs)}")
    authorization = _store(
        organization=organization, user=user, environment=oauth_state.environment, tokens=tokens
    )
    return authorization, popup


def _cifs_out_of_reach(*, organization: Organization, environment: str, access_token: str) -> list[str]:
    """The organization's CIFs when a working authorization exists and the new token reaches none of them.

    Empty means "store it": no working authorization to lose, no companies, rights for at least one CIF, or
    an answer that proves nothing (ANAF down): a hiccup must not refuse a good certificate.
    """
    current = current_authorization(organization)
    if current is None or current.status != AuthorizationStatus.ACTIVE:
        return []
    cifs = [company.cif for company in companies_with_access(organization)]
    with closing(gateway.efactura_client(environment=environment, access_token=access_token)) as client:
        for cif in cifs:
            try:
                if client.check_cif_rights(cif):
                    return []
            except anaf.AnafError as exc:
                log.info("rights probe for %s inconclusive: %s", cif, exc.__class__.__name__)
                return []
    return cifs


def _store(*, organization: Organization, user: User, environment: str, tokens: TokenSet) -> SpvAuthorization:
    now = clock.now()
    with transaction.atomic():
        previous = latest_authorization(organization)
        SpvAuthorization.objects.filter(organization=organization).exclude(
            status__in=[AuthorizationStatus.REPLACED, AuthorizationStatus.REVOKED]
        ).update(status=AuthorizationStatus.REPLACED)
        authorization = SpvAuthorization.objects.create(
            organization=organization,
            environment=environment,
            authorized_by=user,
            authorized_at=now,
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            access_expires_at=tokens.access_expires_at,
            refresh_expires_at=tokens.refresh_expires_at,
            serial=tokens.serial,
            issuer=tokens.issuer,
            roles=list(tokens.roles),
            client_id=tokens.client_id,
            # The same certificate keeps its recorded validity; a new one must be asked for.
            certificate_valid_until=(
                previous.certificate_valid_until
                if previous is not None and previous.serial == tokens.serial
                else None
            ),
        )
        audit_record(
            organization=organization,
            kind=AuditKind.AUTHORIZED,
            authorization=authorization,
            actor=user,
            serial=tokens.serial,
            access_expires_at=tokens.access_expires_at.isoformat(),
            refresh_expires_at=tokens.refresh_expires_at.isoformat(),
        )
        if previous is not None and previous.serial and previous.serial != tokens.serial:
            event_raise(
                organization=organization,
                kind=Kind.CERTIFICATE_CHANGED,
                key=f"certificate-changed:{authorization.pk}",
                params={"serial": tokens.serial, "previous_serial": previous.serial},
                recipients=notification_recipients(authorization),
                link=reauthorization_link(organization.slug),
            )

        from hub.integrations.ro_efactura.tasks import (  # noqa: PLC0415  (the tasks import these services)
            company_rights_check_task,
        )

        transaction.on_commit(lambda: company_rights_check_task.delay(organization.pk))
    return authorization
