"""Automatic renewal of access tokens, single-flight per authorization (docs/anaf.md §1.6).

ANAF rotates the refresh token on every refresh, so two concurrent refreshes would spend it twice and
lose the authorization. On PostgreSQL the renewal holds a row lock (`select_for_update`); on SQLite,
which has no row locks, a worker first claims the row by conditional update and proceeds only if exactly
one row changed. Either way, after getting the row the worker re-reads it and renews only if still due.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

import anaf
from hub.core import clock
from hub.core.events import Kind
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.anaf_errors import TOKEN_REFUSALS, code_for, is_definitive
from hub.integrations.ro_efactura.models import AuditKind, AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import notification_recipients
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=5)


class RenewOutcome(StrEnum):
    RENEWED = "renewed"
    NOT_DUE = "not_due"
    BUSY = "busy"
    INACTIVE = "inactive"
    REAUTHORIZATION_REQUIRED = "reauthorization_required"


class RenewalTransientError(Exception):
    """ANAF could not be reached or answered with a temporary error; the task retries with backoff."""


def renewal_due_before() -> timedelta:
    return timedelta(days=settings.EFACTURA_RENEWAL_LEAD_DAYS)


def authorizations_due() -> list[int]:
    horizon = clock.now() + renewal_due_before()
    return list(
        SpvAuthorization.objects.filter(
            status=AuthorizationStatus.ACTIVE, access_expires_at__lte=horizon
        ).values_list("pk", flat=True)
    )


@contextmanager
def _single_flight(authorization_id: int) -> Iterator[SpvAuthorization | None]:
    """Yield the freshly read row to exactly one worker at a time (None: another worker holds it)."""
    if connection.features.has_select_for_update:
        with transaction.atomic():
            yield SpvAuthorization.objects.select_for_update().filter(pk=authorization_id).first()
        return
    now = clock.now()
    claimed = (
        SpvAuthorization.objects.filter(pk=authorization_id)
        .filter(Q(renewing_until__isnull=True) | Q(renewing_until__lt=now))
        .update(renewing_until=now + CLAIM_LEASE)
    )
    if claimed != 1:
        yield None
        return
    try:
        yield SpvAuthorization.objects.filter(pk=authorization_id).first()
    finally:
        SpvAuthorization.objects.filter(pk=authorization_id).update(renewing_until=None)


def authorization_renew(
    *, authorization_id: int, force: bool = False, unless_rotated_from: str | None = None
) -> RenewOutcome:
    """Renew one authorization's tokens if due (or if `force`); raises `RenewalTransientError` to retry.

    `unless_rotated_from` is the refresh token a caller saw: when the row holds another one, a worker
    renewed in between and this call leaves the fresh pair alone (`NOT_DUE`).
    """
    transient: Exception | None = None
    with _single_flight(authorization_id) as authorization:
        if authorization is None:
            return RenewOutcome.BUSY
        if authorization.status != AuthorizationStatus.ACTIVE:
            return RenewOutcome.INACTIVE
        now = clock.now()
        if not force and authorization.access_expires_at - renewal_due_before() > now:
            return RenewOutcome.NOT_DUE
        if unless_rotated_from is not None and authorization.refresh_token != unless_rotated_from:
            return RenewOutcome.NOT_DUE
        try:
            with closing(gateway.oauth_client(authorization.environment)) as client:
                tokens = client.refresh(authorization.refresh_token)
        except gateway.NotConfigured as exc:
            transient = exc
        except anaf.AnafError as exc:
            if is_definitive(exc):
                _mark_needs_reauthorization(authorization, code_for(exc))
                return RenewOutcome.REAUTHORIZATION_REQUIRED
            transient = exc
            _record_transient_failure(authorization, code_for(exc))
        else:
            authorization.access_token = tokens.access_token
            authorization.refresh_token = tokens.refresh_token
            authorization.access_expires_at = tokens.access_expires_at
            authorization.refresh_expires_at = tokens.refresh_expires_at
            authorization.last_renewed_at = now
            authorization.renewal_count += 1
            if authorization.last_error not in TOKEN_REFUSALS:  # a use refusal waits for a use that works
                authorization.last_error = ""
                authorization.failing_since = None
            authorization.save()
            audit_record(
                organization=authorization.organization,
                kind=AuditKind.RENEWED,
                authorization=authorization,
                access_expires_at=tokens.access_expires_at.isoformat(),
                refresh_expires_at=tokens.refresh_expires_at.isoformat(),
            )
            return RenewOutcome.RENEWED
    raise RenewalTransientError(transient.__class__.__name__) from transient


def _record_transient_failure(authorization: SpvAuthorization, code: str) -> None:
    authorization.last_error = code
    authorization.failing_since = authorization.failing_since or clock.now()
    authorization.save(update_fields=["last_error", "failing_since"])
    audit_record(
        organization=authorization.organization,
        kind=AuditKind.RENEWAL_FAILED,
        authorization=authorization,
        error=code,
    )


def _mark_needs_reauthorization(authorization: SpvAuthorization, code: str) -> None:
    authorization.status = AuthorizationStatus.NEEDS_REAUTHORIZATION
    authorization.last_error = code
    authorization.failing_since = authorization.failing_since or clock.now()
    authorization.save(update_fields=["status", "last_error", "failing_since"])
    audit_record(
        organization=authorization.organization,
        kind=AuditKind.REAUTHORIZATION_REQUIRED,
        authorization=authorization,
        error=code,
    )
    event_raise(
        organization=authorization.organization,
        kind=Kind.RENEWAL_FAILED,
        key=f"renewal-failed:{authorization.pk}",
        params={"error": code},
        recipients=notification_recipients(authorization),
        link=reauthorization_link(authorization.organization.slug),
    )
