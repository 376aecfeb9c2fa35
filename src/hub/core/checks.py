"""Deployment checks (`efactura manage check --deploy`): settings production must not leave at default."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def production_secrets(app_configs: Any, **kwargs: Any) -> list[Warning]:
    problems = []
    if settings.SECRET_KEY.startswith("dev-only-insecure"):
        problems.append(Warning("SECRET_KEY is the development default; set SECRET_KEY.", id="hub.W001"))
    if not (os.environ.get("EFACTURA_ENCRYPTION_KEYS") or os.environ.get("EFACTURA_ENCRYPTION_KEYS_FILE")):
        problems.append(
            Warning(
                "EFACTURA_ENCRYPTION_KEYS is not set: tokens are encrypted with a key from SECRET_KEY.",
                hint="Set your own Fernet keys and back them up (docs/operations.md).",
                id="hub.W002",
            )
        )
    if settings.EFACTURA_ALLOW_TIME_TRAVEL:
        problems.append(
            Warning("EFACTURA_ALLOW_TIME_TRAVEL is on: the hub clock can be moved.", id="hub.W003")
        )
    return problems
