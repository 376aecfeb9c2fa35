"""The desk's user-facing words for its error codes and skip reasons (gettext: Romanian and English)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERRORS: dict[str, Promise] = {
    "no_permission": _("Your role may only read the reviews: an owner or an accountant changes them."),
    "unknown_state": _("Unknown review state."),
    "reason_required": _("Write why the invoice is refused."),
    "reason_too_long": _("The text is too long (at most 2000 characters)."),
    "comment_empty": _("Write a comment first."),
    "bad_assignee": _("Only an owner or an accountant of this organization can be assigned."),
    "not_found": _("No such invoice in this organization."),
    "not_allowed": _("Not possible from its current state."),
    "unchanged": _("Already so."),
    "nothing_chosen": _("Choose at least one invoice."),
    "rasp_not_a_decision": _(
        "A message to the supplier tells of an acceptance or a refusal: choose Approve or Refuse."
    ),
    "rasp_not_an_invoice": _("A message to the supplier answers a received invoice or credit note only."),
    "rasp_no_upload_index": _(
        "ANAF's upload index of this invoice is not known, so no message to the supplier can answer it."
    ),
    "rasp_reason_required": _("Write the reason of the refusal: the supplier reads it in the message."),
    "rasp_too_long": _("The message to the supplier is too long (at most 2000 characters)."),
}


def error_message(code: str) -> str:
    return str(ERRORS.get(code, code))
