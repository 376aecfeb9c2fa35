"""When an SPV authorization's access really ends, and the state it is in, computed from its dates.

Three limits end the access; the earliest wins (docs/anaf.md §1.7, §8.1, §8.6):

- the refresh token's own expiry (read from its JWT; the hub renews before it, so this is the limit only
  when renewals stopped),
- ANAF's maximum grant age: about two years after the certificate login, ANAF wants a new login with the
  certificate (`EFACTURA_MAX_GRANT_AGE_DAYS`),
- the certificate's own validity, when the user recorded it (ANAF's OAuth does not say it). The hub counts
  from the start of that day, as the hour is not recorded.

The access token's expiry is not one of them: the hub renews it automatically until the access ends. The
state is computed whenever it is shown, so a page says "needs re-authorization" the moment the deadline
passes, without waiting for a renewal attempt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# ANAF caps the refresh token at the grant limit; the two are counted from clocks a few seconds apart (the
# certificate login at ANAF, the callback at the hub), so a refresh end this close to the limit *is* it.
SAME_LIMIT = timedelta(days=1)


class AccessLimit(StrEnum):
    REFRESH_EXPIRY = "refresh_expiry"
    GRANT_AGE = "grant_age"
    CERTIFICATE = "certificate"


class AccessState(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    NEEDS_REAUTHORIZATION = "needs_reauth"
    REPLACED = "replaced"


@dataclass(frozen=True)
class AccessEnd:
    at: datetime
    limit: AccessLimit


@dataclass(frozen=True)
class AccessStatus:
    """What pages, e-mails and the API say about one authorization at one moment."""

    state: AccessState
    end: AccessEnd
    days_left: int
    token_expires_at: datetime
    failing: bool

    @property
    def ends_at(self) -> datetime:
        return self.end.at

    @property
    def certificate_limits(self) -> bool:
        return self.end.limit == AccessLimit.CERTIFICATE

    @property
    def needs_reauthorization(self) -> bool:
        return self.state == AccessState.NEEDS_REAUTHORIZATION

    @property
    def expiring(self) -> bool:
        return self.state == AccessState.EXPIRING

    @property
    def healthy(self) -> bool:
        return self.state == AccessState.ACTIVE and not self.failing


def certificate_end(valid_until: date, zone: ZoneInfo) -> datetime:
    """The moment a certificate "valid until" `valid_until` stops counting: the start of that day."""
    return datetime.combine(valid_until, time.min, tzinfo=zone)


def access_end(
    *,
    authorized_at: datetime,
    refresh_expires_at: datetime,
    max_grant_age: timedelta,
    certificate_ends_at: datetime | None = None,
) -> AccessEnd:
    """The earliest of the refresh token's end, the grant limit and the certificate's end (if known)."""
    grant_limit = authorized_at + max_grant_age
    if refresh_expires_at >= grant_limit - SAME_LIMIT:
        end = AccessEnd(min(refresh_expires_at, grant_limit), AccessLimit.GRANT_AGE)
    else:
        end = AccessEnd(refresh_expires_at, AccessLimit.REFRESH_EXPIRY)
    if certificate_ends_at is not None and certificate_ends_at <= end.at:
        end = AccessEnd(certificate_ends_at, AccessLimit.CERTIFICATE)
    return end


def days_until(moment: datetime, now: datetime) -> int:
    """Whole days left until `moment`, rounded up (0 once it passed)."""
    return max(0, math.ceil((moment - now) / timedelta(days=1)))


def access_status(
    *,
    end: AccessEnd,
    now: datetime,
    token_expires_at: datetime,
    refused: bool,
    replaced: bool,
    failing: bool,
    warn_days: int,
) -> AccessStatus:
    """The state at `now`: replaced, needs re-authorization (refused by ANAF or past the end), expiring
    (within `warn_days` of the end: the first reminder distance) or active."""
    days_left = days_until(end.at, now)
    if replaced:
        state = AccessState.REPLACED
    elif refused or now >= end.at:
        state = AccessState.NEEDS_REAUTHORIZATION
    elif end.at - now <= timedelta(days=warn_days):
        state = AccessState.EXPIRING
    else:
        state = AccessState.ACTIVE
    return AccessStatus(state, end, days_left, token_expires_at, failing)
