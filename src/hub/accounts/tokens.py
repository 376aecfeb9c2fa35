"""One-time links of the accounts app: invitation tokens (only their sha256 is stored) and the signed
e-mail-change token (bound to the account and to the address it replaces, so it works once)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing

from hub.accounts.models import Invitation, User
from hub.core import clock

EMAIL_CHANGE_SALT = "hub.accounts.email-change"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_new_token(invitation: Invitation) -> str:
    """A fresh token for the e-mail about to leave; the earlier link stops working."""
    token = secrets.token_urlsafe(32)
    invitation.token_sha256, invitation.sent_at = token_hash(token), clock.now()
    invitation.save(update_fields=["token_sha256", "sent_at"])
    return token


def _address_tag(user: User) -> str:
    return hashlib.sha256(user.email.lower().encode()).hexdigest()[:16]


def email_change_token(*, user: User, new_email: str) -> str:
    """Signed with SECRET_KEY; expires with `EFACTURA_INVITATION_DAYS`."""
    return signing.dumps({"u": user.pk, "e": new_email, "c": _address_tag(user)}, salt=EMAIL_CHANGE_SALT)


def email_change_address(*, user: User, token: str) -> str | None:
    """The new address `token` confirms for `user`, or None (forged, expired, another account, used)."""
    try:
        data: dict[str, Any] = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=timedelta(days=settings.EFACTURA_INVITATION_DAYS)
        )
    except signing.BadSignature:
        return None
    if data.get("u") != user.pk or data.get("c") != _address_tag(user):
        return None
    return str(data["e"])
