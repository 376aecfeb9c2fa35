"""The module's sentences: why the access ends, and each audit entry, in the active language.

Stored rows keep facts (codes, ISO dates); they are worded only here, when shown, with the locale's dates.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.core.errors import message_for
from hub.integrations.ro_efactura.conf import ENVIRONMENTS
from hub.integrations.ro_efactura.lifetime import AccessLimit
from hub.integrations.ro_efactura.models import AuditEvent, AuditKind

# What `authorization_complete` records when a new certificate reaches none of the companies.
NO_RIGHTS_DETAIL = re.compile(r"serial (?P<serial>\S+); CIF (?P<cifs>.+)")

LIMIT_REASONS: dict[AccessLimit, Promise] = {
    AccessLimit.GRANT_AGE: gettext_lazy(
        "ANAF asks for a new login with the certificate about every two years; until then the access is "
        "renewed automatically."
    ),
    AccessLimit.REFRESH_EXPIRY: gettext_lazy(
        "The renewal token is valid until then. Each automatic renewal moves this date later, up to the "
        "login with the certificate that ANAF asks for about every two years."
    ),
    AccessLimit.CERTIFICATE: gettext_lazy(
        "The digital certificate expires then. Get the new certificate, then authorize again with it."
    ),
}


def limit_reason(limit: str) -> str:
    return str(LIMIT_REASONS[AccessLimit(limit)])


def short_date(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return formats.date_format(localtime(value), "SHORT_DATE_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def short_datetime(value: datetime | None) -> str:
    return formats.date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def _when(raw: Any) -> str:
    parsed = parse_datetime(raw) if isinstance(raw, str) else None
    return short_datetime(parsed) if parsed else "—"


def _day(raw: Any) -> str:
    parsed = parse_date(raw) if isinstance(raw, str) else None
    return short_date(parsed) if parsed else "—"


def _environment(raw: Any) -> str:
    label = ENVIRONMENTS.get(str(raw))
    return str(label) if label else str(raw or "—")


def _rights(detail: dict[str, Any]) -> str:
    words = {
        "da/yes": _("has SPV rights"),
        "True": _("has SPV rights"),
        "nu/no": _("has no SPV rights"),
        "False": _("has no SPV rights"),
    }
    unknown = _("could not be checked")
    parts = [
        _("CIF %(cif)s: %(result)s") % {"cif": cif, "result": words.get(str(value), unknown)}
        for cif, value in detail.items()
    ]
    return "; ".join(parts) if parts else _("No company to check.")


def audit_sentence(event: AuditEvent) -> str:
    """One sentence saying what happened, with the locale's dates; never a raw key or code."""
    detail = event.detail or {}
    kind = event.kind
    if kind == AuditKind.AUTHORIZATION_STARTED:
        return _("Login at ANAF started (environment: %(environment)s).") % {
            "environment": _environment(detail.get("environment"))
        }
    if kind == AuditKind.AUTHORIZED:
        return _(
            "Authorized with the certificate %(serial)s. The access token is valid until %(access)s and "
            "the renewal token until %(refresh)s."
        ) % {
            "serial": detail.get("serial") or "—",
            "access": _when(detail.get("access_expires_at")),
            "refresh": _when(detail.get("refresh_expires_at")),
        }
    if kind == AuditKind.RENEWED:
        return _(
            "Renewed automatically: the access token is valid until %(access)s and the renewal token "
            "until %(refresh)s."
        ) % {
            "access": _when(detail.get("access_expires_at")),
            "refresh": _when(detail.get("refresh_expires_at")),
        }
    if kind == AuditKind.AUTHORIZATION_FAILED:
        sentence = _("The authorization did not succeed: %(reason)s") % {
            "reason": message_for(str(detail.get("error") or ""))
        }
        refused = NO_RIGHTS_DETAIL.fullmatch(str(detail.get("detail") or ""))
        if refused:
            sentence += " " + _("Certificate %(serial)s; CIFs without rights: %(cifs)s.") % {
                "serial": refused["serial"],
                "cifs": refused["cifs"],
            }
        return sentence
    if kind == AuditKind.RENEWAL_FAILED:
        return _("The automatic renewal failed and will be retried: %(reason)s") % {
            "reason": message_for(str(detail.get("error") or ""))
        }
    if kind == AuditKind.REAUTHORIZATION_REQUIRED:
        return _("ANAF refused the automatic renewal: %(reason)s") % {
            "reason": message_for(str(detail.get("error") or ""))
        }
    if kind == AuditKind.RIGHTS_CHECKED:
        return _rights(detail)
    if kind == AuditKind.CONFIGURED:
        return _("Configuration saved (environment: %(environment)s).") % {
            "environment": _environment(detail.get("environment"))
        }
    if kind == AuditKind.CERTIFICATE_RECORDED:
        if not detail.get("valid_until"):
            return _("The validity date of certificate %(serial)s was removed.") % {
                "serial": detail.get("serial") or "—"
            }
        return _("Certificate %(serial)s recorded as valid until %(date)s.") % {
            "serial": detail.get("serial") or "—",
            "date": _day(detail.get("valid_until")),
        }
    return str(event.get_kind_display())
