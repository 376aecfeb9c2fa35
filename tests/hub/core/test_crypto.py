"""Tokens at rest: MultiFernet encryption and key rotation."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from hub.accounts.models import Organization
from hub.integrations.ro_efactura.models import SpvAuthorization

pytestmark = pytest.mark.django_db


def _raw_tokens(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM ro_efactura_spvauthorization WHERE id = %s", [pk]
        )
        row = cursor.fetchone()
    return row[0], row[1]


def _authorization(organization: Organization) -> SpvAuthorization:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return SpvAuthorization.objects.create(
        organization=organization,
        environment="sandbox",
        authorized_at=moment,
        access_token="access-secret-value",
        refresh_token="refresh-secret-value",
        access_expires_at=moment,
        refresh_expires_at=moment,
    )


def test_keys_rotate_without_losing_tokens(organization: Organization, settings: Any) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.EFACTURA_ENCRYPTION_KEYS = [old_key]
    authorization = _authorization(organization)
    raw_before = _raw_tokens(authorization.pk)
    assert "secret-value" not in "".join(raw_before)
    assert Fernet(old_key.encode()).decrypt(raw_before[0].encode()) == b"access-secret-value"

    settings.EFACTURA_ENCRYPTION_KEYS = [new_key, old_key]  # 1. prepend the new key
    assert SpvAuthorization.objects.get().refresh_token == "refresh-secret-value"
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)  # 2. re-encrypt
    assert "ro_efactura.SpvAuthorization: 1 row(s)" in out.getvalue()
    raw_after = _raw_tokens(authorization.pk)
    assert Fernet(new_key.encode()).decrypt(raw_after[1].encode()) == b"refresh-secret-value"

    settings.EFACTURA_ENCRYPTION_KEYS = [new_key]  # 3. drop the old key
    stored = SpvAuthorization.objects.get()
    assert (stored.access_token, stored.refresh_token) == ("access-secret-value", "refresh-secret-value")


def test_a_missing_key_fails_loudly(organization: Organization, settings: Any) -> None:
    settings.EFACTURA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    _authorization(organization)
    settings.EFACTURA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        SpvAuthorization.objects.get()


def test_tokens_never_appear_in_repr(organization: Organization) -> None:
    authorization = _authorization(organization)
    assert "secret-value" not in repr(authorization)
    assert "secret-value" not in str(authorization)
