"""ANAF's call budgets, shared by every process of the hub: in the database, or in Redis when configured.

docs/anaf.md §3: 1000 calls a minute per application, and daily budgets per CIF and per message, counted
by ANAF in Romanian calendar days. Both limiters check and count in one atomic step (one conditional upsert,
or one Lua script), so two processes never both take the last call of a window, and both
keep the daily counts outside the process, so a restart forgets none. `MarginLimiter` keeps a small share
of every short window unused (`EFACTURA_QUOTA_MARGIN`): our clock and ANAF's never count a call at
exactly the same instant.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum

from anaf import QuotaLimiter, RateLimited
from hub.core import clock
from hub.integrations.ro_efactura.models import QuotaCounter

log = logging.getLogger(__name__)

BUCHAREST = ZoneInfo("Europe/Bucharest")
DAY = timedelta(days=1)
SLOTS = 60  # a short window counts in this many slots
PURGE_EVERY = 60.0  # seconds between two purges of expired counters by one process
# A call is counted when it leaves and reaches ANAF a little later: a short window keeps each call this much
# longer (the database's slots do it by counting the oldest slot whole).
TRANSIT = 1.0
# A full minute clears within 62 s at most (the window, the transit, the database's oldest slot counted
# whole): a refusal that clears by then is waited out, so a minute filled in its first second fails no run.
WAIT_FOR_A_MINUTE = timedelta(seconds=60 + TRANSIT + 1)


# One call counted by one conditional upsert (the same SQL on SQLite and PostgreSQL; the table is
# `QuotaCounter`'s). In a day: while the day's row holds fewer than the limit. In a short window: while
# the window's slots sum to fewer than the limit. No row returned: the budget is spent.
COUNT_IN_DAY = (
    'INSERT INTO "ro_efactura_quotacounter" AS counter (budget, bucket, calls, expires) '
    "VALUES (%s, %s, 1, %s) "
    "ON CONFLICT (budget, bucket) DO UPDATE SET calls = counter.calls + 1 WHERE counter.calls < %s "
    "RETURNING calls"
)
COUNT_IN_WINDOW = (
    'INSERT INTO "ro_efactura_quotacounter" AS counter (budget, bucket, calls, expires) '
    "SELECT %s, %s, 1, %s "
    'WHERE (SELECT COALESCE(SUM(calls), 0) FROM "ro_efactura_quotacounter" '
    "WHERE budget = %s AND bucket >= %s AND bucket <= %s) < %s "
    "ON CONFLICT (budget, bucket) DO UPDATE SET calls = counter.calls + 1 "
    "RETURNING calls"
)


def hub_time() -> float:
    """Epoch seconds on the hub's clock (wall time in production; tests and the demo may move it)."""
    return clock.now().timestamp()


def _calendar_day(now: float) -> tuple[date, float]:
    """The Romanian calendar day of `now` and when it ends (epoch seconds)."""
    day = datetime.fromtimestamp(now, BUCHAREST).date()
    following = day + timedelta(days=1)
    ends = datetime(following.year, following.month, following.day, tzinfo=BUCHAREST).timestamp()
    return day, ends


def _refused(scope: str, key: str, limit: int, window: timedelta, reset: float) -> RateLimited:
    reset_at = datetime.fromtimestamp(reset, UTC)
    return RateLimited(
        f"Shared quota {scope!r} for {key} is spent ({limit} calls per {window}); "
        f"it frees up at {reset_at:%Y-%m-%d %H:%M:%S} UTC.",
        quota=scope,
        reset_at=reset_at,
    )


class DatabaseQuotaLimiter:
    """The `anaf.QuotaLimiter` protocol on the hub's database (`QuotaCounter`), for every process at once.

    A short window (ANAF's minute) is a sliding window of `SLOTS` slots, counted with the slot the oldest
    call fell in (never fewer calls than ANAF counts); a window of a day or more is ANAF's calendar day.
    A refusal that clears within `max_wait` is waited out, outside any transaction.
    """

    def __init__(
        self,
        prefix: str,
        *,
        max_wait: timedelta = WAIT_FOR_A_MINUTE,
        clock: Callable[[], float] = hub_time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._prefix, self._max_wait = prefix, max_wait.total_seconds()
        self._clock, self._sleep = clock, sleep
        self._purged = float("-inf")

    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        budget = self._budget(scope, key, window)
        while True:
            now = self._clock()
            reset = self._count(budget, limit, window.total_seconds(), now)
            if reset is None:
                self._purge(now)
                return
            if reset - now > self._max_wait:
                raise _refused(scope, key, limit, window, reset)
            self._sleep(max(reset - now, 0.001))

    def used(self, scope: str, key: str, window: timedelta) -> int:
        """How many calls of `scope`/`key` the current window holds (for tests and dashboards)."""
        first, last, _ = self._buckets(window.total_seconds(), self._clock())
        counted = QuotaCounter.objects.filter(
            budget=self._budget(scope, key, window), bucket__gte=first, bucket__lte=last
        ).aggregate(total=Sum("calls"))
        return int(counted["total"] or 0)

    def _budget(self, scope: str, key: str, window: timedelta) -> str:
        return f"{self._prefix}|{scope}|{key}|{int(window.total_seconds())}"

    @staticmethod
    def _buckets(span: float, now: float) -> tuple[int, int, float]:
        """The buckets the window at `now` counts (first, last) and when the last one stops counting."""
        if span >= DAY.total_seconds():
            day, ends = _calendar_day(now)
            return day.toordinal(), day.toordinal(), ends
        size = span / SLOTS
        last = math.floor(now / size)
        return last - SLOTS, last, (last + 1) * size + span

    def _count(self, budget: str, limit: int, span: float, now: float) -> float | None:
        """Count one call and return None, or return when the window will have room (epoch seconds).

        One conditional upsert counts the call: a day's row takes it while it holds fewer than `limit`
        calls (the check and the count are one row lock, on both databases); a short window's slot takes
        it while the window's slots sum to fewer than `limit`, which needs the window serialized: SQLite's
        IMMEDIATE transaction holds the database's write lock from its start, PostgreSQL takes an advisory
        lock on the budget first.
        """
        first, last, expires = self._buckets(span, now)
        daily = span >= DAY.total_seconds()
        params: list[str | float]
        if daily:
            sql, params = COUNT_IN_DAY, [budget, last, expires, limit]
        else:
            sql, params = COUNT_IN_WINDOW, [budget, last, expires, budget, first, last, limit]
        with transaction.atomic():
            with connection.cursor() as cursor:
                if not daily and connection.vendor == "postgresql":
                    # The window's sum and its count must not interleave with another call's: a lock on
                    # the budget's name until the commit (a hash collision only serializes two budgets).
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [budget])
                cursor.execute(sql, params)
                counted = cursor.fetchone() is not None
            if counted:
                return None
            if daily:
                return expires
            oldest = (
                QuotaCounter.objects.filter(budget=budget, bucket__gte=first, bucket__lte=last, calls__gt=0)
                .order_by("bucket")
                .values_list("bucket", flat=True)
                .first()
            )
        return ((first if oldest is None else oldest) + SLOTS + 1) * (span / SLOTS)

    def _purge(self, now: float) -> None:
        """Drop the counters that count for nothing any more (at most once a `PURGE_EVERY` per process)."""
        if time.monotonic() - self._purged < PURGE_EVERY:
            return
        self._purged = time.monotonic()
        QuotaCounter.objects.filter(expires__lt=now).delete()


class MarginLimiter:
    """Keeps `percent` of every window shorter than a day unused (at least one call), then asks `inner`.

    Our limiter counts a call when it leaves, ANAF when it arrives: without a margin, a call that took
    longer on the way than the one a minute after it makes ANAF count one more than we did.
    """

    def __init__(self, inner: QuotaLimiter, percent: float) -> None:
        self.inner, self.percent = inner, percent

    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        if window < DAY and self.percent > 0:
            limit = max(1, limit - math.ceil(limit * self.percent / 100))
        self.inner.acquire(scope, key, limit, window)


# KEYS[1] the budget; ARGV: now (s), window (s), limit, a unique member. Returns "" when the call is
# counted, else the seconds until the oldest call leaves the window.
_ACQUIRE = """
local now, span, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(span * 1000))
  return ''
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + span - now)
"""

# KEYS[1] the day's counter; ARGV: limit, seconds it is kept. "" when counted, else "spent".
_ACQUIRE_DAY = """
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
  redis.call('INCR', KEYS[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return ''
end
return 'spent'
"""


class RedisQuotaLimiter:
    """The `anaf.QuotaLimiter` protocol on Redis: waits out a refusal that clears within `max_wait`.

    A window shorter than a day is sliding (a sorted set of call times); a day is ANAF's calendar day (one
    counter per day, kept a day past its end).
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "efactura:quota",
        max_wait: timedelta = WAIT_FOR_A_MINUTE,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._redis: Any = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._script = self._redis.register_script(_ACQUIRE)
        self._day_script = self._redis.register_script(_ACQUIRE_DAY)
        self._prefix, self._max_wait = prefix, max_wait.total_seconds()
        self._clock, self._sleep = clock, sleep

    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        span = window.total_seconds()
        budget = f"{self._prefix}:{scope}:{key}:{int(span)}"
        if window >= DAY:
            now = self._clock()
            day, ends = _calendar_day(now)
            keep = math.ceil(ends - now + DAY.total_seconds())  # relative: right on any clock
            if self._day_script(keys=[f"{budget}:{day}"], args=[limit, keep]):
                raise _refused(scope, key, limit, window, ends)
            return
        while True:
            now = self._clock()
            answer = self._script(
                keys=[budget], args=[repr(now), repr(span + TRANSIT), limit, secrets.token_hex(8)]
            )
            if not answer:
                return
            wait = float(answer)
            if wait > self._max_wait:
                raise _refused(scope, key, limit, window, now + wait)
            self._sleep(max(wait, 0.001))

    def used(self, scope: str, key: str, window: timedelta) -> int:
        """How many calls of `scope`/`key` the current window holds (for tests and dashboards)."""
        span = window.total_seconds()
        budget = f"{self._prefix}:{scope}:{key}:{int(span)}"
        if window >= DAY:
            day, _ = _calendar_day(self._clock())
            return int(self._redis.get(f"{budget}:{day}") or 0)
        return int(self._redis.zcount(budget, f"({self._clock() - span - TRANSIT}", "+inf"))


class _FallbackLimiter:
    """Redis first; while Redis is unreachable, the database's budgets (logged), never no limit at all."""

    def __init__(self, shared: QuotaLimiter, local: QuotaLimiter) -> None:
        self.shared, self.local = shared, local

    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        try:
            self.shared.acquire(scope, key, limit, window)
        except redis.RedisError as exc:
            log.warning(
                "shared quota store unreachable (%s); using the database's budgets", type(exc).__name__
            )
            self.local.acquire(scope, key, limit, window)


_limiters: dict[tuple[str, str, float], MarginLimiter] = {}
_lock = threading.Lock()


def shared_limiter(api_base: str) -> MarginLimiter:
    """The one limiter of this process for the ANAF at `api_base` (each ANAF, or sandbox, has its budgets).

    On Redis when `EFACTURA_REDIS_URL` is set, else in the database: either way every process shares it.
    """
    url, margin = settings.EFACTURA_REDIS_URL, settings.EFACTURA_QUOTA_MARGIN
    with _lock:
        limiter = _limiters.get((url, api_base, margin))
        if limiter is None:
            inner: QuotaLimiter = DatabaseQuotaLimiter(api_base)
            if url:
                shared = RedisQuotaLimiter(url, prefix=f"efactura:quota:{api_base}", clock=hub_time)
                inner = _FallbackLimiter(shared, inner)
            limiter = MarginLimiter(inner, margin)
            _limiters[(url, api_base, margin)] = limiter
        return limiter
