"""What the document reader noticed (`einvoice`'s warnings, recorded in English), as sentences in the reader's
language. The EN 16931 term keeps its id; in Romanian it is named as the Romanian edition of the standard
names it (`term_names`), so "BT-1 invoice number" reads "BT-1 numărul facturii". A text no pattern knows
(a buyer's message, for one) is shown as it is."""

from __future__ import annotations

import re

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hub.inbox.term_names import CONTEXT_RO, TERM_NAMES_RO

_PATTERNS = (
    (re.compile(r"(?P<subject>.+) is missing"), "missing"),
    (re.compile(r"(?P<subject>.+) is empty"), "empty"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') is not a decimal number"), "decimal"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') is not a date"), "date"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') is neither true nor false"), "boolean"),
    (re.compile(r"(?P<subject>.+): (?P<value>'.*') read as (?P<read>\d{4}-\d{2}-\d{2})"), "read_as"),
)
_LINE = re.compile(r"\bline (\d+)\b")


_TERM = re.compile(r"(?P<term>B[GT]-\d+(?:-\d+)?(?:/\d+)?) (?P<rest>.+)")
_CONTEXT = re.compile(
    r"(tax representative|payment means|seller|buyer|payee|address|contact|document|line \d+) "
)
_PARTY_RO = {
    "seller": "vânzătorul (BG-4)",
    "buyer": "cumpărătorul (BG-7)",
    "seller name": "numele vânzătorului (BT-27)",
    "buyer name": "numele cumpărătorului (BT-44)",
}


def _subject(text: str) -> str:
    if (get_language() or "").startswith("ro"):
        named = _subject_ro(text)
        if named is not None:
            return named
    return _LINE.sub(lambda found: _("line %(number)s") % {"number": found.group(1)}, text)


def _subject_ro(text: str) -> str | None:
    """ "BT-35 seller address street" as "BT-35 strada (vânzător, adresă)"; None for an unknown term."""
    if text in _PARTY_RO:
        return _PARTY_RO[text]
    found = _TERM.fullmatch(text)
    if found is None or found.group("term") not in TERM_NAMES_RO:
        return None
    rest, context = found.group("rest"), []
    while match := _CONTEXT.match(rest):
        word = match.group(1)
        context.append(f"linia {word.split()[1]}" if word.startswith("line") else CONTEXT_RO[word])
        rest = rest[match.end() :]
    name = TERM_NAMES_RO[found.group("term")]
    return f"{found.group('term')} {name}" + (f" ({', '.join(context)})" if context else "")


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


def _half(text: str) -> str:
    """`einvoice` words a document error in both languages ("English / Romanian"): the reader's half."""
    english, sep, romanian = text.partition(" / ")
    if not sep:
        return text
    return romanian if (get_language() or "").startswith("ro") else english


def problem_sentences(problem: str, kind: str) -> tuple[str, str]:
    """The recorded problem of a document (`hub.documents.reading`) as a sentence and its detail."""
    text = problem.strip()
    if kind == "error_report":
        detail = "" if text == "ANAF error report" else text  # ANAF's own words, shown as ANAF wrote them
        return _("ANAF rejected this invoice; the error report it sent is kept in the archive."), detail
    if text.startswith("ZIP: "):
        return _(
            "The archive received from ANAF could not be opened safely, so no invoice could be read from it. "
            "The file is kept exactly as received."
        ), _half(text.removeprefix("ZIP: "))
    if text.startswith("XML: "):
        return _(
            "The document in the archive is not a readable invoice; the original is kept and can be "
            "downloaded."
        ), _half(text.removeprefix("XML: "))
    if text.startswith("validation: "):
        return _(
            "The document could not be checked against the CIUS-RO rules (the validator stopped); it is "
            "kept, but its validity is unknown."
        ), ""
    name, sep, _rest = text.partition(": not an invoice, credit note or ANAF message")
    if sep:
        return _(
            "The file %(name)s in the archive is neither an invoice, a credit note nor an ANAF message."
        ) % {"name": name if name != "no XML" else _("(no XML file)")}, ""
    return text, ""
