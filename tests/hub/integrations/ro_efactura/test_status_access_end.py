"""The one computation of when an authorization's access ends, and the state shown from it (a table)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.integrations.ro_efactura.lifetime import (
    AccessEnd,
    AccessLimit,
    AccessState,
    access_end,
    access_status,
    certificate_end,
    days_until,
)

LOGIN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
TWO_YEARS = timedelta(days=730)
GRANT_LIMIT = LOGIN + TWO_YEARS
SECONDS = timedelta(seconds=3)
BUCHAREST = ZoneInfo("Europe/Bucharest")


def at(days: float) -> datetime:
    return LOGIN + timedelta(days=days)


@pytest.mark.parametrize(
    ("refresh_expires_at", "certificate_ends_at", "expected"),
    [
        # fresh login: the refresh token (365 days) ends first
        (at(365), None, AccessEnd(at(365), AccessLimit.REFRESH_EXPIRY)),
        # after sliding renewals the refresh token reaches past the grant limit: the grant limit wins
        (at(1000), None, AccessEnd(GRANT_LIMIT, AccessLimit.GRANT_AGE)),
        # ANAF caps the refresh token at the limit, counted from its own (earlier) clock: still the limit
        (GRANT_LIMIT - SECONDS, None, AccessEnd(GRANT_LIMIT - SECONDS, AccessLimit.GRANT_AGE)),
        # renewals stopped long ago: the refresh token ends well before the limit
        (at(500), None, AccessEnd(at(500), AccessLimit.REFRESH_EXPIRY)),
        # a certificate ending before both
        (at(700), at(400), AccessEnd(at(400), AccessLimit.CERTIFICATE)),
        # a certificate ending before a lone refresh token
        (at(365), at(200), AccessEnd(at(200), AccessLimit.CERTIFICATE)),
        # a certificate valid beyond the grant limit changes nothing
        (at(1000), at(900), AccessEnd(GRANT_LIMIT, AccessLimit.GRANT_AGE)),
        # a certificate ending on the very moment of the limit: the certificate is what the user must renew
        (at(1000), GRANT_LIMIT, AccessEnd(GRANT_LIMIT, AccessLimit.CERTIFICATE)),
    ],
)
def test_the_access_ends_at_the_earliest_limit(
    refresh_expires_at: datetime, certificate_ends_at: datetime | None, expected: AccessEnd
) -> None:
    end = access_end(
        authorized_at=LOGIN,
        refresh_expires_at=refresh_expires_at,
        max_grant_age=TWO_YEARS,
        certificate_ends_at=certificate_ends_at,
    )
    assert end == expected


def test_the_access_never_ends_after_the_grant_limit_whatever_the_refresh_token() -> None:
    for days in range(0, 2000, 37):
        end = access_end(authorized_at=LOGIN, refresh_expires_at=at(days), max_grant_age=TWO_YEARS)
        assert end.at <= GRANT_LIMIT


def test_a_certificate_counts_from_the_start_of_its_last_day_in_bucharest() -> None:
    assert certificate_end(date(2027, 1, 15), BUCHAREST) == datetime(2027, 1, 14, 22, 0, tzinfo=UTC)


END = AccessEnd(at(730), AccessLimit.GRANT_AGE)


@pytest.mark.parametrize(
    ("now", "refused", "replaced", "state", "days_left"),
    [
        (at(10), False, False, AccessState.ACTIVE, 720),
        (at(699.9), False, False, AccessState.ACTIVE, 31),
        (at(700), False, False, AccessState.EXPIRING, 30),  # the first reminder distance
        (at(703), False, False, AccessState.EXPIRING, 27),
        (at(729.99), False, False, AccessState.EXPIRING, 1),
        (at(730), False, False, AccessState.NEEDS_REAUTHORIZATION, 0),  # the deadline itself, no task run
        (at(731), False, False, AccessState.NEEDS_REAUTHORIZATION, 0),
        (at(10), True, False, AccessState.NEEDS_REAUTHORIZATION, 720),  # ANAF refused a renewal
        (at(731), True, True, AccessState.REPLACED, 0),
    ],
)
def test_the_state_follows_the_dates(
    now: datetime, refused: bool, replaced: bool, state: AccessState, days_left: int
) -> None:
    status = access_status(
        end=END,
        now=now,
        token_expires_at=at(90),
        refused=refused,
        replaced=replaced,
        failing=False,
        warn_days=30,
    )
    assert status.state == state
    assert status.days_left == days_left


def test_days_are_rounded_up_and_never_negative() -> None:
    assert days_until(at(1), at(0)) == 1
    assert days_until(at(1), at(0.99)) == 1
    assert days_until(at(1), at(2)) == 0
