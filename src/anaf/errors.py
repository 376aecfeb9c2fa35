"""The one error tree of the ANAF client.

Verdicts are values, not exceptions: an invoice rejected at upload, a `nok` status, validation findings and
"no messages" are returned as results. An exception means the call itself did not get a usable answer::

    AnafError
    ├── TransportError            no usable HTTP answer (connection refused, reset, ...)
    │   ├── Timeout               ANAF did not answer in time
    │   └── UploadUncertain       an upload left and no answer came back: it MAY have been filed
    └── ResponseError             ANAF answered with a refusal (.status, .anaf_text = ANAF's own words)
        ├── NoSpvRights           the certificate has no SPV rights on that CIF / message
        ├── RateLimited           a quota is spent (.quota, .reset_at); also raised by our own limiter
        ├── MessageExpired        past ANAF's 60 days: terminal, stop asking
        ├── InvalidToken          api.anaf.ro refused the access token (401/403)
        ├── ReauthorizationRequired  the refresh token or code was refused: a person must authorize again
        ├── WafBlocked            the F5 firewall's "requested URL was rejected" page (often on HTTP 200)
        ├── Maintenance           ANAF announces maintenance / service unavailable
        └── ServerError           HTTP 5xx or "A aparut o eroare tehnica"

Recognisers under-match on purpose: an unknown wording becomes a plain `ResponseError` carrying the text,
never a false "expired" (docs/anaf.md §6).
"""

from __future__ import annotations

from datetime import datetime


class AnafError(Exception):
    """Root of every error raised by `anaf`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class TransportError(AnafError):
    """No usable HTTP answer: connection refused or reset, DNS, TLS, protocol error."""


class Timeout(TransportError):
    """ANAF did not answer in time."""


class UploadUncertain(TransportError):
    """The upload request was sent but no answer came back: the invoice MAY have been filed.

    Never upload again blindly (ANAF would answer `nok` "Factura a mai fost transmisa anterior"); look for the
    invoice in the seller's message list (filter T / E) first.
    """


class ResponseError(AnafError):
    """ANAF (or something in front of it) answered with a refusal.

    `status` is the HTTP status (often 200: ANAF's business errors ride on HTTP 200), or None when our own
    quota limiter refused before calling; `anaf_text` is ANAF's original text, verbatim.
    """

    def __init__(self, message: str, *, status: int | None = None, anaf_text: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.anaf_text = anaf_text


class NoSpvRights(ResponseError):
    """The certificate behind the token has no SPV rights for this CIF (or this message)."""


class RateLimited(ResponseError):
    """A quota is spent; ask again after `reset_at` (None when ANAF did not say).

    `quota` is one of "global" (calls a minute), "list" / "list_paginated" (per CIF a day), "status" /
    "download" (per message a day), "upload_rasp" (per CIF a day), "public" (one call a second).
    """

    def __init__(
        self,
        message: str,
        *,
        quota: str,
        reset_at: datetime | None,
        status: int | None = None,
        anaf_text: str = "",
    ) -> None:
        super().__init__(message, status=status, anaf_text=anaf_text)
        self.quota = quota
        self.reset_at = reset_at


class MessageExpired(ResponseError):
    """ANAF no longer serves this message (older than 60 days). Terminal: do not ask again."""


class InvalidToken(ResponseError):
    """api.anaf.ro refused the access token (HTTP 401 or 403)."""


class ReauthorizationRequired(ResponseError):
    """The token endpoint refused the code or refresh token for good: a person must authorize again."""


class WafBlocked(ResponseError):
    """ANAF's web application firewall rejected the request (content-triggered; retrying will not help)."""


class Maintenance(ResponseError):
    """ANAF announces maintenance or that the service is temporarily unavailable."""


class ServerError(ResponseError):
    """HTTP 5xx, or ANAF's "A aparut o eroare tehnica"."""
