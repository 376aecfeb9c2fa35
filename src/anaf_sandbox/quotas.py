"""Call limits of docs/anaf.md §3: 1000 calls a minute per app (HTTP 429), the daily counters per
message and per CIF, which ANAF reports as HTTP 200 business errors (days are Romanian calendar days), and
the sliding windows the public VAT lookup uses (§5.1, one request a second).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING

from .clock import local_day

if TYPE_CHECKING:
    from .core import Sandbox

WINDOW_SECONDS = 60.0


def over_minute_limit(sandbox: Sandbox, key: str, now: datetime) -> float | None:
    """Record one call for ``key``; seconds until a slot frees when it is over the per-minute limit."""
    wait = over_rate_limit(sandbox, key, sandbox.seed.limits.calls_per_minute, WINDOW_SECONDS, now)
    return None if wait is None else max(1.0, wait)


def over_rate_limit(sandbox: Sandbox, key: str, limit: int, window: float, now: datetime) -> float | None:
    """Record one call for ``key`` unless ``limit`` calls already fell in the last ``window`` seconds of the
    sandbox clock; then (nothing recorded) the seconds until the oldest of them leaves the window."""
    moment = now.timestamp()
    with sandbox.rate_lock:
        calls = sandbox.rate_windows.setdefault(key, deque())
        while calls and (calls[0] <= moment - window or calls[0] > moment):
            calls.popleft()  # old, or "in the future" after the clock was moved back
        if len(calls) >= limit:
            return calls[0] + window - moment
        calls.append(moment)
    return None


def over_daily_limit(sandbox: Sandbox, kind: str, subject: str, limit: int, now: datetime) -> bool:
    """Count one call of ``kind`` on ``subject`` today; True when this call is over ``limit``."""
    used = sandbox.state.count(f"{local_day(now)}|{kind}|{subject}")
    return used > limit
