""" "Revocă autorizarea": revoke the token pair at ANAF, delete it here whatever ANAF answers, audit, notify.

ANAF's `/revoke` may not be reachable (docs/anaf.md §1.9), so the tokens are deleted locally in any
case and the audit entry records whether ANAF confirmed; the portal's "Renunțare Oauth" is the fallback.
"""

from __future__ import annotations

import logging

from django.db import transaction

from hub.accounts.models import Organization, User
from hub.core.events import Kind
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.models import AuditKind, AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import current_authorization, notification_recipients
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)


class NothingToRevoke(Exception):
    """The organization has no authorization in use."""


def authorization_revoke(*, organization: Organization, actor: User) -> SpvAuthorization:
    """Returns the revoked row; `detail["anaf_confirmed"]` of its audit entry tells what ANAF said."""
    authorization = current_authorization(organization)
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
    return authorization
