"""Create, check and revoke API keys. A key is `efh_<prefix>_<secret>`; only its sha256 is stored."""

from __future__ import annotations

import hashlib
import secrets

from hub.accounts.models import Organization, User
from hub.api.models import ApiKey, Scope
from hub.core import clock


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(
    *, organization: Organization, name: str, scopes: list[str], user: User | None = None
) -> tuple[ApiKey, str]:
    """Returns the row and the full key (shown once, never stored)."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValueError(f"scopes must be a non-empty subset of {Scope.values}")
    prefix = secrets.token_hex(4)
    key = f"efh_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        organization=organization,
        name=name[:100],
        prefix=prefix,
        key_hash=_hash(key),
        scopes=sorted(set(scopes)),
        created=clock.now(),
        created_by=user,
    )
    return row, key


def api_key_check(key: str) -> ApiKey | None:
    """The active key row for `key`, or None (also for revoked keys)."""
    if not key.startswith("efh_"):
        return None
    row = (
        ApiKey.objects.select_related("organization")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    if row is not None:
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=clock.now())
    return row


def api_key_revoke(*, organization: Organization, key_id: int) -> bool:
    changed = ApiKey.objects.filter(organization=organization, pk=key_id, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    return changed == 1
