"""The PDF of ``transformare`` (docs/anaf.md §2.7), drawn by ``einvoice``'s parser and renderer."""

from __future__ import annotations

import logging

import einvoice

log = logging.getLogger(__name__)


def to_pdf(xml: bytes) -> bytes | None:
    """PDF bytes for an invoice, or None when it cannot be read or drawn (ANAF's "eroare tehnica")."""
    try:
        return einvoice.render_pdf(einvoice.parse(xml))
    except Exception:  # any reader or renderer failure is a technical error for the caller, not a crash
        log.exception("transformare could not render the invoice")
        return None
