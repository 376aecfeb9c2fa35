"""Why a sync could not run, as codes translated at the edge (the hub's `ErrorCode` plus the inbox's own)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hub.core.errors import message_for


class SyncProblem(StrEnum):
    NOT_ACTIVE = "inbox_not_active"
    NO_AUTHORIZATION = "inbox_no_authorization"
    AUTHORIZATION_EXPIRED = "inbox_authorization_expired"
    STORAGE_FAILED = "inbox_storage_failed"
    INTERNAL = "inbox_internal"
    LEASE_LOST = "inbox_lease_lost"
    INTERRUPTED = "inbox_interrupted"
    NEVER_SYNCED = "inbox_never_synced"


MESSAGES: dict[SyncProblem, Promise] = {
    SyncProblem.NOT_ACTIVE: _("The RO e-Factura module is not active for this organization."),
    SyncProblem.NO_AUTHORIZATION: _(
        "There is no ANAF SPV authorization for this organization. Authorize with the certificate."
    ),
    SyncProblem.AUTHORIZATION_EXPIRED: _(
        "The ANAF SPV authorization has expired and could not be renewed. Authorize again with the "
        "certificate."
    ),
    SyncProblem.STORAGE_FAILED: _("The archive storage could not save a document. Ask the administrator."),
    SyncProblem.INTERNAL: _("The sync stopped on an unexpected error; it will be retried."),
    SyncProblem.LEASE_LOST: _(
        "The sync stalled and another one took over the company; nothing is lost, it goes on there."
    ),
    SyncProblem.INTERRUPTED: _(
        "The worker running this sync stopped before it finished; the sync was resumed automatically."
    ),
    SyncProblem.NEVER_SYNCED: _(
        "No sync of this company has completed since it was added. Authorize with ANAF SPV if nobody did, "
        'then press "Sync now" and read the cause shown.'
    ),
}


class SyncError(Exception):
    """A sync that cannot go on, with the code shown to users."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def problem_message(code: str) -> str:
    """The user-facing text of a sync error code, in the active language."""
    try:
        return str(MESSAGES[SyncProblem(code)])
    except ValueError:
        return message_for(code)
