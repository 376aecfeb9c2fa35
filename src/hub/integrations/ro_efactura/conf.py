"""The module's per-organization configuration, kept in `Integration.config` and read through a typed conf."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

ENVIRONMENTS = {
    "prod": _("ANAF production"),
    "test": _("ANAF test"),
    "sandbox": _("Built-in sandbox"),
}


@dataclass
class EFacturaConf:
    environment: str = ""
    sync_interval_minutes: int = 30
    notify_user_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> EFacturaConf:
        data = data or {}
        environment = str(data.get("environment") or settings.ANAF_ENVIRONMENT)
        if environment not in ENVIRONMENTS:
            environment = "test"
        return cls(
            environment=environment,
            sync_interval_minutes=max(5, int(data.get("sync_interval_minutes") or 30)),
            notify_user_ids=[int(pk) for pk in data.get("notify_user_ids") or []],
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def environment_label(self) -> str:
        return str(ENVIRONMENTS[self.environment])
