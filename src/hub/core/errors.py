"""User-facing error codes, translated (Romanian/English) only at the edge."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    ACCESS_DENIED = "access_denied"
    BAD_STATE = "bad_state"
    CODE_EXPIRED = "code_expired"
    NO_PERMISSION = "no_permission"
    NO_SERVICE = "no_service"
    ANAF_DOWN = "anaf_down"
    ANAF_ERROR = "anaf_error"
    NOT_CONFIGURED = "not_configured"
    REAUTHORIZATION_REQUIRED = "reauthorization_required"
    NO_SPV_RIGHTS = "no_spv_rights"
    RATE_LIMITED = "rate_limited"
    INVALID_TOKEN = "invalid_token"  # noqa: S105  (an error code, not a secret)


MESSAGES: dict[ErrorCode, Promise] = {
    ErrorCode.ACCESS_DENIED: _(
        "The authorization was cancelled or refused at ANAF (no certificate chosen, wrong PIN or "
        "cancelled). Nothing was changed; you can try again."
    ),
    ErrorCode.BAD_STATE: _(
        "This authorization answer does not belong to a request started by you in this organization, "
        "or it was already used or is too old. Start the authorization again from the module page."
    ),
    ErrorCode.CODE_EXPIRED: _(
        "ANAF refused the authorization code (it is valid for about 60 seconds and only once). "
        "Start the authorization again."
    ),
    ErrorCode.NO_PERMISSION: _("You do not have the right to do this in this organization."),
    ErrorCode.NO_SERVICE: _(
        "The authorization does not include the E-Factura service. Check the OAuth profile registered at "
        "ANAF (service E-Factura) and the certificate's SPV roles."
    ),
    ErrorCode.ANAF_DOWN: _("ANAF does not answer right now. Please try again in a few minutes."),
    ErrorCode.ANAF_ERROR: _("ANAF answered with an unexpected error. Please try again later."),
    ErrorCode.NOT_CONFIGURED: _(
        "The ANAF OAuth application is not configured on this server (ANAF_CLIENT_ID / "
        "ANAF_CLIENT_SECRET / ANAF_REDIRECT_URI). Ask the administrator."
    ),
    ErrorCode.REAUTHORIZATION_REQUIRED: _(
        "ANAF no longer accepts this authorization. A new login with the certificate is needed."
    ),
    ErrorCode.NO_SPV_RIGHTS: _(
        "The certificate has no SPV rights for this company (the holder is not enrolled for it in SPV, "
        "or the enrolment is less than 24 hours old)."
    ),
    ErrorCode.RATE_LIMITED: _("ANAF limits the number of calls right now. Please try again later."),
    ErrorCode.INVALID_TOKEN: _("ANAF did not accept the access token."),
}


def message_for(code: str) -> str:
    try:
        return str(MESSAGES[ErrorCode(code)])
    except ValueError:
        return str(MESSAGES[ErrorCode.ANAF_ERROR])
