"""ANAF's call budgets shared by every client of the process, and of all workers when Redis is configured.

docs/anaf.md §3: 1000 calls a minute per application, and daily budgets per CIF and per message. The
Redis limiter keeps a sliding window per budget (a sorted set of call times) and checks and counts in one
Lua script, so two workers never both take the last call of a window.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from django.conf import settings

from anaf import MemoryQuotaLimiter, QuotaLimiter, RateLimited

log = logging.getLogger(__name__)

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


class RedisQuotaLimiter:
    """The `anaf.QuotaLimiter` protocol on Redis: waits out a refusal that clears within `max_wait`."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "efactura:quota",
        max_wait: timedelta = timedelta(seconds=60),
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._redis: Any = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._script = self._redis.register_script(_ACQUIRE)
        self._prefix, self._max_wait = prefix, max_wait.total_seconds()
        self._clock, self._sleep = clock, sleep

    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        span = window.total_seconds()
        budget = f"{self._prefix}:{scope}:{key}:{int(span)}"
        while True:
            now = self._clock()
            answer = self._script(keys=[budget], args=[repr(now), repr(span), limit, secrets.token_hex(8)])
            if not answer:
                return
            wait = float(answer)
            if wait > self._max_wait:
                reset_at = datetime.fromtimestamp(now + wait, UTC)
                raise RateLimited(
                    f"Shared quota {scope!r} for {key} is spent ({limit} calls per {window}); "
                    f"it frees up at {reset_at:%Y-%m-%d %H:%M:%S} UTC.",
                    quota=scope,
                    reset_at=reset_at,
                )
            self._sleep(max(wait, 0.001))

    def used(self, scope: str, key: str, window: timedelta) -> int:
        """How many calls of `scope`/`key` the current window holds (for tests and dashboards)."""
        span = window.total_seconds()
        budget = f"{self._prefix}:{scope}:{key}:{int(span)}"
        return int(self._redis.zcount(budget, f"({self._clock() - span}", "+inf"))


class _FallbackLimiter:
    """Redis first; while Redis is unreachable, the process's own budgets (logged), never no limit at all."""

    def __init__(self, shared: QuotaLimiter, local: QuotaLimiter) -> None:
        self.shared, self.local = shared, local

    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        try:
            self.shared.acquire(scope, key, limit, window)
        except redis.RedisError as exc:
            log.warning(
                "shared quota store unreachable (%s); using this process's budgets", type(exc).__name__
            )
            self.local.acquire(scope, key, limit, window)


_limiters: dict[tuple[str, str], QuotaLimiter] = {}
_lock = threading.Lock()


def shared_limiter(api_base: str) -> QuotaLimiter:
    """The one limiter of this process for the ANAF at `api_base` (each ANAF, or sandbox, has its budgets).

    On Redis when `EFACTURA_REDIS_URL` is set (all workers share it), else in this process's memory.
    """
    url = settings.EFACTURA_REDIS_URL
    with _lock:
        limiter = _limiters.get((url, api_base))
        if limiter is None:
            local = MemoryQuotaLimiter()
            shared = RedisQuotaLimiter(url, prefix=f"efactura:quota:{api_base}") if url else None
            limiter = _FallbackLimiter(shared, local) if shared else local
            _limiters[(url, api_base)] = limiter
        return limiter
