"""Writing the audit log of authorizations and renewals."""

from __future__ import annotations

from typing import Any

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.integrations.ro_efactura.models import AuditEvent, SpvAuthorization


def audit_record(
    *,
    organization: Organization,
    kind: str,
    authorization: SpvAuthorization | None = None,
    actor: User | None = None,
    **detail: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organization=organization,
        authorization=authorization,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        created=clock.now(),
        detail={key: str(value) if value is not None else None for key, value in detail.items()},
    )
