"""Secrets at rest: a text field encrypted with MultiFernet (first key encrypts, every key decrypts)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("EFACTURA_ENCRYPTION_KEYS holds a key that is not a Fernet key") from exc


def fernet() -> MultiFernet:
    keys = tuple(settings.EFACTURA_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("EFACTURA_ENCRYPTION_KEYS is empty")
    return _fernet_for(keys)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "a stored secret cannot be decrypted with EFACTURA_ENCRYPTION_KEYS (a key was removed too early?)"
        ) from exc


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the first key (MultiFernet.rotate)."""
    return fernet().rotate(ciphertext.encode()).decode()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores `str` values Fernet-encrypted; empty strings stay empty. Not searchable, by design."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))
