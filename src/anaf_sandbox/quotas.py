"""Call limits of anaf-contract.md §3: 1000 calls a minute per app (HTTP 429) and the daily counters per
message and per CIF, which ANAF reports as HTTP 200 business errors. Days are Romanian calendar days.
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
    limit = sandbox.seed.limits.calls_per_minute
    moment = now.timestamp()
    with sandbox.rate_lock:
        window = sandbox.rate_windows.setdefault(key, deque())
        while window and (window[0] <= moment - WINDOW_SECONDS or window[0] > moment):
            window.popleft()
        if len(window) >= limit:
            return max(1.0, window[0] + WINDOW_SECONDS - moment)
        window.append(moment)
    return None


def over_daily_limit(sandbox: Sandbox, kind: str, subject: str, limit: int, now: datetime) -> bool:
    """Count one call of ``kind`` on ``subject`` today; True when this call is over ``limit``."""
    used = sandbox.state.count(f"{local_day(now)}|{kind}|{subject}")
    return used > limit
