"""What each kind of event (`hub.core.events.Kind`) says, translated when shown or sent (in the recipient's
language).

An event stores facts, never translated text: a cause is a `code` (an `ErrorCode` or `SyncProblem` value),
worded here as `%(reason)s` in the language active at rendering (the recipient's, for e-mails).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import Resolver404, resolve
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hub.core.events import Kind
from hub.core.problems import problem_message
from hub.core.wording import days_phrase

TITLES: dict[Kind, Promise] = {
    Kind.EXPIRING: _("ANAF authorization expires soon"),
    Kind.RENEWAL_FAILED: _("ANAF authorization could not be renewed"),
    Kind.CERTIFICATE_CHANGED: _("New certificate added to the ANAF SPV authorizations"),
    Kind.RIGHTS_LOST: _("The certificate seems to have lost SPV rights"),
    Kind.UNUSABLE: _("ANAF authorization unusable for over 24 hours"),
    Kind.REVOKED: _("ANAF authorization revoked"),
    Kind.INBOX_SYNC_FAILED: _("e-Factura messages cannot be downloaded"),
    Kind.INBOX_RETENTION_RISK: _("e-Factura messages could be lost: ANAF keeps them only 60 days"),
    Kind.INBOX_MESSAGES_EXPIRED: _("e-Factura messages lost: ANAF no longer serves them"),
    Kind.INBOX_ARCHIVE_DAMAGED: _("The archive of original e-Factura documents has changed"),
    Kind.INVOICE_RECEIVED: _("New supplier invoice"),
    Kind.INVOICE_DIGEST: _("New supplier invoices today"),
    Kind.DESK_DIGEST: _("Supplier invoices waiting for your review"),
    Kind.OUTBOX_DEADLINE: _("Issued invoice close to its legal deadline"),
}
# Louder titles (and e-mail subjects) as an alarm escalates: (kind, params["threshold"]) -> title.
ESCALATED_TITLES: dict[tuple[Kind, int], Promise] = {
    (Kind.INBOX_RETENTION_RISK, 45): _(
        "URGENT: e-Factura messages will be lost in under 15 days unless the sync is fixed"
    ),
    (Kind.INBOX_RETENTION_RISK, 55): _(
        "CRITICAL: e-Factura messages will be deleted by ANAF within 5 days: act today"
    ),
}

# Another wording of a kind for another cause, chosen by params["limit"]: (kind, limit) -> text.
VARIANT_TITLES: dict[tuple[Kind, str], Promise] = {
    (Kind.EXPIRING, "certificate"): _("The certificate used for ANAF expires soon"),
}
VARIANT_BODIES: dict[tuple[Kind, str], Promise] = {
    (Kind.EXPIRING, "certificate"): _(
        "The digital certificate used for the ANAF SPV authorization of %(organization)s expires on "
        "%(deadline)s (%(days_text)s left). Get the new certificate, then authorize again with it on the "
        "RO e-Factura module page; otherwise e-Factura messages stop being downloaded on that day."
    ),
}
# The words of an event's link, by the page it opens (its URL name).
LINK_LABELS: dict[str, Promise] = {
    "ro-efactura": _("Open the RO e-Factura module page"),
    "inbox-sync-status": _("Open the sync status page"),
    "inbox-invoice": _("Open the invoice"),
    "inbox": _("Open the inbox"),
    "desk": _("Open the invoices to review"),
    "outbox-invoice": _("Open the issued invoice"),
}
DEFAULT_LINK_LABEL = _("Open e-Factura Hub")

BODIES: dict[Kind, Promise] = {
    Kind.EXPIRING: _(
        "The ANAF SPV authorization of %(organization)s needs a new login with the certificate by "
        "%(deadline)s (%(days_text)s left). ANAF asks for this login about every two years; until then "
        "the access is renewed automatically and e-Factura keeps working. On the RO e-Factura module "
        "page, press “Authorize again” and choose the certificate."
    ),
    Kind.RENEWAL_FAILED: _(
        "ANAF refused the automatic renewal of the authorization of %(organization)s. e-Factura messages "
        "are no longer downloaded until someone authorizes again with the certificate."
    ),
    Kind.CERTIFICATE_CHANGED: _(
        "%(person)s added an ANAF SPV authorization to %(organization)s with the certificate %(serial)s. "
        "It serves: %(serves)s. It could also serve, if the owner switches them on the RO e-Factura page: "
        "%(could_serve)s. No company was taken from the authorization that serves it; record on the module "
        "page until when the new certificate is valid, to be reminded before it expires."
    ),
    Kind.RIGHTS_LOST: _(
        "ANAF answers that the certificate has no SPV rights for CIF %(cif)s of %(organization)s any more. "
        "Check the enrolment in SPV (new enrolments take up to 24 hours)."
    ),
    Kind.UNUSABLE: _(
        "The ANAF SPV authorization of %(organization)s has been unusable since %(since)s. Authorize again "
        "with the certificate so that no e-Factura message is missed."
    ),
    Kind.REVOKED: _(
        "%(person)s revoked the ANAF SPV authorization of %(organization)s (certificate %(serial)s) and its "
        "tokens were deleted. e-Factura messages are no longer downloaded until someone authorizes again."
    ),
    Kind.INBOX_SYNC_FAILED: _(
        "The e-Factura messages of %(company)s (CIF %(cif)s) cannot be downloaded since %(since)s: %(reason)s"
    ),
    Kind.INBOX_RETENTION_RISK: _(
        "The e-Factura messages of %(company)s (CIF %(cif)s) have not been downloaded for %(days_left)s "
        "(since %(since)s). ANAF deletes messages after 60 days: fix the sync before they are lost. "
        "Cause: %(reason)s"
    ),
    Kind.INBOX_MESSAGES_EXPIRED: _(
        "%(messages)s of %(company)s (CIF %(cif)s) were not downloaded in time and ANAF no "
        "longer serves them (past its 60 days). Ask the senders for copies. Message ids: %(ids)s"
    ),
    Kind.INBOX_ARCHIVE_DAMAGED: _(
        "The archive check found %(count)s original e-Factura documents of %(organization)s missing, "
        "altered or with a signature check that no longer matches: %(ids)s. Restore them from the backup "
        "(docs/operations.md)."
    ),
    Kind.INVOICE_RECEIVED: _("%(seller)s sent invoice %(number)s of %(amount)s %(currency)s to %(company)s."),
    Kind.INVOICE_DIGEST: _("%(invoices)s arrived for %(organization)s: %(summary)s"),
    Kind.DESK_DIGEST: _("%(organization)s: %(waiting)s waiting for your review. Oldest first: %(summary)s"),
    Kind.OUTBOX_DEADLINE: _(
        "Invoice %(number)s issued by %(company)s to %(buyer)s is not accepted by ANAF yet. The law gives "
        "until %(deadline)s (%(working_days_left)s) to send it: send it, or correct and send it again if "
        "it was rejected."
    ),
}


def reason_for(code: str) -> str:
    """The user-facing text of a cause code in the active language ("-" when there is none)."""
    if not code:
        return "-"
    return problem_message(code)


class _Params(dict[str, Any]):
    """An event stored before its kind's wording changed lacks a newer parameter: shown as a dash."""

    def __missing__(self, key: str) -> str:
        return "—"


def _counted(params: dict[str, Any]) -> dict[str, str]:
    """Counts worded with the language's plural rule (Romanian: "1 zi", "2 zile", "27 de zile")."""
    worded: dict[str, str] = {}
    if isinstance(params.get("days"), int):
        worded["days_left"] = ngettext("%(num)d day", "%(num)d days", params["days"]) % {
            "num": params["days"]
        }
    if isinstance(params.get("working_days"), int):
        left = max(0, params["working_days"])
        worded["working_days_left"] = ngettext(
            "%(num)d working day left", "%(num)d working days left", left
        ) % {"num": left}
    if isinstance(params.get("count"), int):
        count = params["count"]
        worded["messages"] = ngettext("%(num)d e-Factura message", "%(num)d e-Factura messages", count) % {
            "num": count
        }
        worded["invoices"] = ngettext(
            "%(num)d new supplier invoice", "%(num)d new supplier invoices", count
        ) % {"num": count}
        worded["waiting"] = ngettext("%(num)d supplier invoice", "%(num)d supplier invoices", count) % {
            "num": count
        }
    return worded


def _formatted(params: dict[str, Any]) -> dict[str, Any]:
    shown = _Params(params)
    shown.update(_counted(params))
    try:
        amount = Decimal(str(shown["amount"])) if "amount" in shown else None
    except InvalidOperation:
        amount = None
    if amount is not None:
        shown["amount"] = formats.number_format(amount, 2, force_grouping=True)
    if "code" in shown:  # an older event without a code keeps the `reason` it stored
        shown["reason"] = reason_for(str(shown["code"] or ""))
    if isinstance(shown.get("days"), int):
        shown["days_text"] = days_phrase(shown["days"])
    for key in ("deadline", "since"):
        raw = shown.get(key)
        parsed: datetime | None = parse_datetime(raw) if isinstance(raw, str) else None
        if parsed is not None:  # stored in UTC; shown on the hub's local calendar, as the pages show it
            local = localtime(parsed) if is_aware(parsed) else parsed
            shown[key] = formats.date_format(local, "DATE_FORMAT")
    return shown


def title_for(kind: str, params: dict[str, Any] | None = None) -> str:
    threshold = (params or {}).get("threshold")
    if isinstance(threshold, int) and (Kind(kind), threshold) in ESCALATED_TITLES:
        return str(ESCALATED_TITLES[(Kind(kind), threshold)])
    variant = (Kind(kind), str((params or {}).get("limit", "")))
    if variant in VARIANT_TITLES:
        return str(VARIANT_TITLES[variant])
    return str(TITLES.get(Kind(kind), kind))


def body_for(kind: str, params: dict[str, Any]) -> str:
    text = VARIANT_BODIES.get((Kind(kind), str(params.get("limit", ""))), BODIES[Kind(kind)])
    return str(text) % _formatted(params)


def link_label_for(link: str) -> str:
    """Say where the link leads: the module page, the sync page, an invoice, the inbox."""
    try:
        name = resolve(link.split("#", 1)[0]).url_name if link.startswith("/") else None
    except Resolver404:
        name = None
    return str(LINK_LABELS.get(name or "", DEFAULT_LINK_LABEL))
