"""The certificate's own validity, recorded by the user (ANAF's OAuth does not tell it)."""

from __future__ import annotations

from datetime import date

from hub.accounts.models import User
from hub.integrations.ro_efactura.models import AuditKind, AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.services.audit import audit_record


class CertificateRecordRefused(Exception):
    """The authorization was replaced meanwhile: its certificate is no longer the one in use."""


def authorization_certificate_record(
    *, authorization: SpvAuthorization, valid_until: date | None, actor: User
) -> SpvAuthorization:
    """Set (or clear, with None) until when the authorization's certificate is valid."""
    if authorization.status == AuthorizationStatus.REPLACED:
        raise CertificateRecordRefused(authorization.pk)
    authorization.certificate_valid_until = valid_until
    authorization.save(update_fields=["certificate_valid_until"])
    audit_record(
        organization=authorization.organization,
        kind=AuditKind.CERTIFICATE_RECORDED,
        authorization=authorization,
        actor=actor,
        serial=authorization.serial,
        valid_until=valid_until.isoformat() if valid_until else None,
    )
    return authorization
