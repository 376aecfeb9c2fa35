""" "Revocă autorizarea": revoke the token pair at ANAF, delete it here whatever ANAF answers, audit, notify.

ANAF's `/revoke` may not be reachable (docs/anaf.md §1.9), so the tokens are deleted locally in any
case and the audit entry records whether ANAF confirmed; the portal's "Renunțare Oauth" is the fallback.
Each of an organization's authorizations is revoked on its own; its companies then move to another
authorization with SPV rights on them, if there is one (`services.serving`).
"""

from __future__ import annotations

import logging

from django.db import transaction

from hub.accounts.models import Organization, User
from hub.core.events import Kind
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.models import IN_USE, AuditKind, AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import current_authorization, notification_recipients
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.integrations.ro_efactura.services.serving import companies_assign
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)


class NothingToRevoke(Exception):
    """The organization has no such authorization in use."""


def authorization_to_revoke(
    *, organization: Organization, authorization_id: int | None = None
) -> SpvAuthorization | None:
    """The organization's authorization in use `authorization_id` (None: the newest in use)."""
    if authorization_id is None:
        return current_authorization(organization)
    return (
        SpvAuthorization.objects.filter(organization=organization, pk=authorization_id, status__in=IN_USE)
        .select_related("authorized_by")
        .first()
    )


def authorization_revoke(
    *, organization: Organization, actor: User, authorization_id: int | None = None
) -> SpvAuthorization:
    """Revoke one authorization (the newest in use when no id is given); returns the revoked row.

    `detail["anaf_confirmed"]` of its audit entry tells what ANAF said.
    """
    authorization = authorization_to_revoke(organization=organization, authorization_id=authorization_id)
    if authorization is None:
        raise NothingToRevoke
    try:
        confirmed = gateway.revoke_at_anaf(
            environment=authorization.environment,
            refresh_token=authorization.refresh_token,
            access_token=authorization.access_token,
        )
    except gateway.NotConfigured:
        confirmed = False
    if not confirmed:
        log.warning("ANAF did not confirm the revocation of authorization %s", authorization.pk)
    with transaction.atomic():
        authorization = SpvAuthorization.objects.select_for_update().get(pk=authorization.pk)
        authorization.status = AuthorizationStatus.REVOKED
        authorization.access_token = authorization.refresh_token = ""
        authorization.renewing_until = None
        authorization.save(update_fields=["status", "access_token", "refresh_token", "renewing_until"])
        audit_record(
            organization=organization,
            kind=AuditKind.REVOKED,
            authorization=authorization,
            actor=actor,
            anaf_confirmed="yes" if confirmed else "no",
        )
        event_raise(
            organization=organization,
            kind=Kind.REVOKED,
            key=f"authorization-revoked:{authorization.pk}",
            params={"person": str(actor), "serial": authorization.serial},
            recipients=notification_recipients(authorization),
            link=reauthorization_link(organization.slug),
        )
        companies_assign(organization=organization)
    return authorization
