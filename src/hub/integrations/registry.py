"""Every integration kind: label, description, and the dotted path of its module (imported lazily).

A module offers `is_enabled() -> bool`, `card_state(integration) -> CardState` and `page_url(slug) -> str`,
and may name a `CARD_NOTICE_TEMPLATE` shown on its card while active (e.g. a deadline warning).
Model choices derive from this table. To add one, see "Adding an integration" in `docs/operations.md`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CardState(StrEnum):
    UNAVAILABLE = "unavailable"
    NOT_ACTIVE = "not_active"
    NEEDS_CONFIGURATION = "needs_configuration"
    AUTHORIZED = "authorized"
    NEEDS_ATTENTION = "needs_attention"


CARD_LABELS: dict[CardState, Promise] = {
    CardState.UNAVAILABLE: _("Not yet available"),
    CardState.NOT_ACTIVE: _("Not active"),
    CardState.NEEDS_CONFIGURATION: _("Active, needs configuration"),
    CardState.AUTHORIZED: _("Authorized"),
    CardState.NEEDS_ATTENTION: _("Needs attention"),
}


@dataclass(frozen=True)
class IntegrationKind:
    kind: str
    label: str
    description: Promise
    module_path: str | None

    def module(self) -> ModuleType | None:
        return importlib.import_module(self.module_path) if self.module_path else None

    def is_enabled(self) -> bool:
        module = self.module()
        return bool(module and module.is_enabled())


REGISTRY: dict[str, IntegrationKind] = {
    "ro-efactura": IntegrationKind(
        kind="ro-efactura",
        label="RO e-Factura",
        description=_(
            "Receive supplier invoices and send your own through ANAF's RO e-Factura, with the "
            "authorization kept alive automatically."
        ),
        module_path="hub.integrations.ro_efactura.module",
    ),
    "ro-etransport": IntegrationKind(
        kind="ro-etransport",
        label="RO e-Transport",
        description=_("Declare road transports of goods to ANAF (UIT codes)."),
        module_path=None,
    ),
}

KIND_CHOICES = [(kind.kind, kind.label) for kind in REGISTRY.values()]


def get_kind(kind: str) -> IntegrationKind | None:
    return REGISTRY.get(kind)
