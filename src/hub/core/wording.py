"""Small phrases shared by pages and e-mails, worded in the active language (plural rules included)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import ngettext


def days_phrase(count: int) -> str:
    """ "1 zi", "2 zile", "27 de zile" in Romanian; "1 day", "27 days" in English."""
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": formats.number_format(count)}
