"""The one place where `anaf` exceptions become user-facing error codes."""

from __future__ import annotations

import anaf
from hub.core.errors import ErrorCode

# ANAF refusing a token in use: only a later successful use clears it (a renewal that works does not prove
# ANAF accepts the new token).
TOKEN_REFUSALS = (ErrorCode.INVALID_TOKEN, ErrorCode.REAUTHORIZATION_REQUIRED)


def code_for(exc: anaf.AnafError) -> ErrorCode:
    if isinstance(exc, anaf.ReauthorizationRequired):
        return ErrorCode.REAUTHORIZATION_REQUIRED
    if isinstance(exc, anaf.NoSpvRights):
        return ErrorCode.NO_SPV_RIGHTS
    if isinstance(exc, anaf.RateLimited):
        return ErrorCode.RATE_LIMITED
    if isinstance(exc, anaf.InvalidToken):
        return ErrorCode.INVALID_TOKEN
    if isinstance(exc, anaf.TransportError | anaf.Maintenance | anaf.ServerError | anaf.WafBlocked):
        return ErrorCode.ANAF_DOWN
    return ErrorCode.ANAF_ERROR


def is_definitive(exc: anaf.AnafError) -> bool:
    """A refusal that no retry will change (the refresh token is spent, expired or revoked)."""
    return isinstance(exc, anaf.ReauthorizationRequired)
