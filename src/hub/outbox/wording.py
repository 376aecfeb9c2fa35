"""Plain explanations of the errors an issued invoice can meet, in the reader's language: the hub's own
checks, the CIUS-RO rules people meet most, and ANAF's answers. A rule no entry knows keeps its published text
(Romanian for the BR-RO rules), shown beside its id."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from hub.outbox.services.checks import RULE_BUYER_CIF, RULE_COMPANY, RULE_SELLER_CIF, RULE_UNREADABLE

_DUPLICATE = re.compile(r"a mai fost transmisa anterior cu index\s*=\s*(\d+)", re.IGNORECASE)
_SELLER_CUI = re.compile(
    r"PartyTaxScheme \((\d+)\).*R_BT_32_cui.*?validare CUI \(([^)]*)\)", re.IGNORECASE | re.DOTALL
)
_TECHNICAL = re.compile(r"eroare tehnica", re.IGNORECASE)


def explanation(finding: dict[str, str]) -> str:
    """How to fix one finding (local or ANAF's), or "" when the rule's own text says it all."""
    rule, value = finding.get("rule", ""), finding.get("value", "")
    if rule == RULE_SELLER_CIF:
        return _(
            "The seller's fiscal code %(value)s has a wrong check digit: ANAF would reject the invoice "
            '(R_BT_32_cui, "Cui vanzator incorect"). Correct the seller\'s CIF in the invoicing program.'
        ) % {"value": value}
    if rule == RULE_BUYER_CIF:
        return _(
            "The buyer's fiscal code %(value)s has a wrong check digit: ANAF would reject the invoice. "
            "Check the buyer's CIF (for a consumer, use the CNP or 0000000000000)."
        ) % {"value": value}
    if rule == RULE_COMPANY:
        return _(
            "The invoice is issued by %(value)s, not by the company it is sent for (%(company)s). Choose the "
            "right company, or mark it as self-billed if the company is the buyer."
        ) % {"value": value or "?", "company": finding.get("message", "")}
    if rule == RULE_UNREADABLE:
        return _("The file is not a UBL invoice, UBL credit note or CII invoice the hub can read.")
    if rule == "XSD":
        return _(
            "The XML does not follow the UBL 2.1 schema: ANAF refuses it on upload. The message names the "
            "element at fault."
        )
    if rule == "BR-RO-010":
        return _("Invoice notes (BT-22) may be at most 20, of at most 300 characters each.")
    if rule.startswith("BR-CO-"):
        return _("A total does not add up: recompute the totals from the lines (the message says which).")
    if rule in {"BR-RO-100", "BR-RO-110"}:
        return _(
            "The address must name a county (RO-XX, or RO-B for Bucharest) and the city as ANAF expects."
        )
    if rule == "ANAF":
        text = finding.get("message", "")
        if match := _DUPLICATE.search(text):
            return _(
                "ANAF already holds this invoice (upload index %(index)s). If that upload is the one you "
                "meant, nothing else is needed."
            ) % {"index": match.group(1)}
        if match := _SELLER_CUI.search(text):
            return _(
                "ANAF checked every tax code of the seller (rule R_BT_32_cui) and found %(cui)s, the "
                "seller's tax code no. %(position)s in the XML, with a wrong check digit. Correct or remove "
                "that code in the invoicing program, then send a corrected version."
            ) % {"cui": match.group(2).strip() or "?", "position": match.group(1)}
        if _TECHNICAL.search(text):
            return _(
                "ANAF failed on its side; the hub checks whether the upload arrived before trying again."
            )
    return ""


def explained(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    """The stored findings, each with its explanation in the active language."""
    return [{**error, "explanation": explanation(error)} for error in errors]


def refusal_message(code: str) -> str:
    if code == "empty":
        return _("The file is empty: attach the invoice's XML.")
    if code == "too_large":
        return _("The file is larger than ANAF's 10 MB limit.")
    return code


def attempt_outcome(outcome: str) -> str:
    """An `UploadAttempt.outcome` in the reader's language (the stored value when unknown)."""
    labels = {
        "": _("in progress"),
        "sent": _("uploaded"),
        "refused": _("refused at upload"),
        "uncertain": _("uncertain, checked with ANAF"),
        "not_sent": _("not sent"),
        "failed": _("failed before sending"),
        "found": _("found at ANAF"),
        "absent": _("not found at ANAF"),
    }
    return labels.get(outcome, outcome)
