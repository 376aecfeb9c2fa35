"""The reasons and signature verdicts of an archive import as sentences, in the reader's language: stored as
codes with their parameters (`ImportedFile.reason`, `.signature`, `.params`), worded here when shown."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Any] = {
    "too_big": _("Larger than an ANAF original may be (20 MB); nothing of it was read."),
    "lone_signature": _("A signature without its invoice: %(name)s is not among the files imported."),
    "same_in_run": _("The same file as %(name)s, earlier in this import."),
    "archived_bytes": _("Already archived as message %(message)s of %(cif)s (the same bytes)."),
    "archived_id": _("Already archived as message %(message)s of %(cif)s (the same ANAF id)."),
    "unreadable": _("Cannot be read: %(detail)s"),
    "no_company": _(
        "Matches none of the organization's companies (buyer CIF %(buyer)s, seller CIF %(seller)s)."
    ),
    "no_issuer": _("Matches none of the organization's companies (issuer CIF %(issuer)s)."),
    "no_cif": _("Names no CIF this hub can match to a company."),
    "invalid": _("Imported; it fails validation (listed with its findings)."),
    "crashed": _("Could not be imported (%(detail)s); it is kept as received."),
}
SIGNATURES: dict[str, Any] = {
    "matches": _("Signature matches (%(format)s)"),
    "mismatch": _("Signature does not match (%(format)s): %(why)s"),
    "missing": _("No signature"),
}


def _word(table: dict[str, Any], code: str, params: dict[str, Any]) -> str:
    if not code:
        return ""
    template = table.get(code)
    if template is None:
        return code
    text = str(template)
    try:
        return text % params if "%(" in text else text
    except (KeyError, TypeError, ValueError):
        return text


def reason_text(code: str, params: dict[str, Any]) -> str:
    return _word(REASONS, code, params)


def signature_text(code: str, params: dict[str, Any]) -> str:
    return _word(SIGNATURES, code, params)


def in_both(function: Any, code: str, params: dict[str, Any]) -> str:
    """English / Romanian, for the command line."""
    with translation.override("en"):
        english = function(code, params)
    with translation.override("ro"):
        romanian = function(code, params)
    return english if english == romanian else f"{english} / {romanian}"
