"""Quota budgets that keep every call inside ANAF's published limits (docs/anaf.md §3).

`QuotaLimiter` is the whole interface: ``acquire(scope, key, limit, window)`` either returns (after waiting a
little if the budget frees up soon) or raises `RateLimited`. `MemoryQuotaLimiter` is the in-process version;
a deployment with several workers plugs in a shared one (e.g. on Redis) with the same single method.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from anaf.errors import RateLimited

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


class QuotaLimiter(Protocol):
    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        """Count one call of `scope`/`key`; wait if allowed soon, else raise `RateLimited`."""


@dataclass(frozen=True)
class Quotas:
    """ANAF's limits (§3). Lower them to keep a safety margin; `None` disables a budget."""

    global_per_minute: int | None = 1000
    list_per_cif_per_day: int | None = 1500
    paginated_list_per_cif_per_day: int | None = 100_000
    status_per_message_per_day: int | None = 100
    download_per_message_per_day: int | None = 10
    rasp_uploads_per_cif_per_day: int | None = 1000


class MemoryQuotaLimiter:
    """Sliding-window counters in memory, thread-safe; never lets a window hold more than `limit` calls.

    A refusal that would clear within `max_wait` is waited out (the per-minute global budget, the public
    services' one call a second); a longer one raises `RateLimited` with its reset time.
    """

    def __init__(
        self,
        *,
        max_wait: timedelta = timedelta(seconds=60),
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._max_wait = max_wait.total_seconds()
        self._clock = clock
        self._sleep = sleep
        self._calls: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, scope: str, key: str, limit: int, window: timedelta) -> None:
        span = window.total_seconds()
        while True:
            with self._lock:
                now = self._clock()
                calls = self._calls.setdefault((scope, key), deque())
                while calls and calls[0] <= now - span:
                    calls.popleft()
                if len(calls) < limit:
                    calls.append(now)
                    return
                wait = calls[0] + span - now
            if wait > self._max_wait:
                reset_at = datetime.fromtimestamp(now + wait, UTC)
                raise RateLimited(
                    f"Local quota {scope!r} for {key} is spent ({limit} calls per {window}); "
                    f"it frees up at {reset_at:%Y-%m-%d %H:%M:%S} UTC.",
                    quota=scope,
                    reset_at=reset_at,
                )
            self._sleep(max(wait, 0.001))

    def used(self, scope: str, key: str, window: timedelta) -> int:
        """How many calls of `scope`/`key` the current window holds (for tests and dashboards)."""
        with self._lock:
            now = self._clock()
            calls = self._calls.get((scope, key), deque())
            return sum(1 for at in calls if at > now - window.total_seconds())


DEFAULT_QUOTAS = Quotas()
