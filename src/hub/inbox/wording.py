"""What the document reader noticed (`einvoice`'s warnings, recorded in English), as sentences in the reader's
language. The EN 16931 term (`BT-1 invoice number`) stays as the standard names it; a text no pattern
knows (a buyer's message, for one) is shown as it is."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_PATTERNS = (
    (re.compile(r"(?P<subject>.+) is missing"), "missing"),
    (re.compile(r"(?P<subject>.+) is empty"), "empty"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') is not a decimal number"), "decimal"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') is not a date"), "date"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') is neither true nor false"), "boolean"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') read as (?P<read>\d{4}-\d{2}-\d{2})"), "read_as"),
)
_LINE = re.compile(r"\bline (\d+)\b")


def _subject(text: str) -> str:
    return _LINE.sub(lambda found: _("line %(number)s") % {"number": found.group(1)}, text)


def warning_message(text: str) -> str:
    """One recorded reading warning as a sentence."""
    for pattern, code in _PATTERNS:
        found = pattern.fullmatch(text.strip())
        if not found:
            continue
        params = {**found.groupdict(), "subject": _subject(found.group("subject"))}
        if code == "missing":
            return _("Missing from the document: %(subject)s.") % params
        if code == "empty":
            return _("Empty in the document: %(subject)s.") % params
        if code == "decimal":
            return _("%(subject)s: %(value)s is not a number.") % params
        if code == "date":
            return _("%(subject)s: %(value)s is not a date.") % params
        if code == "boolean":
            return _("%(subject)s: %(value)s is neither true nor false.") % params
        return _("%(subject)s: %(value)s was read as the date %(read)s.") % params
    return text
