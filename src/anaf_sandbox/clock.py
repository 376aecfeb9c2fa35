"""The sandbox's own clock (docs/anaf.md §2.0 "Times are Romanian local time", §2.4 window rules).

It starts at real time and runs with it; the control API can set it or move it forward. Everything that
expires, counts per day or checks a window reads this clock, never ``datetime.now()``.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BUCHAREST = ZoneInfo("Europe/Bucharest")
UTC = ZoneInfo("UTC")


class SandboxClock:
    """Real time plus an offset that the control API moves."""

    def __init__(self, offset_seconds: float = 0.0) -> None:
        self._offset = timedelta(seconds=offset_seconds)
        self._lock = threading.Lock()

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()

    def now(self) -> datetime:
        """Aware UTC datetime of the sandbox."""
        with self._lock:
            offset = self._offset
        return datetime.now(UTC) + offset

    def local_now(self) -> datetime:
        """Sandbox time on the Romanian wall clock (what ANAF quotes in its texts)."""
        return self.now().astimezone(BUCHAREST)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the sandbox clock needs an aware datetime (with a UTC offset)")
        with self._lock:
            self._offset = moment - datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta()


def anaf_minute(moment: datetime) -> str:
    """``YYYYMMDDHHmm`` in Bucharest time (`data_creare`, `dateResponse`; §2.0)."""
    return moment.astimezone(BUCHAREST).strftime("%Y%m%d%H%M")


def anaf_seconds(moment: datetime) -> str:
    """``dd-MM-yyyy HH:mm:ss`` in Bucharest time (list error texts, CustomErrorMessage; §2.0)."""
    return moment.astimezone(BUCHAREST).strftime("%d-%m-%Y %H:%M:%S")


def local_day(moment: datetime) -> str:
    """The Romanian calendar day (``YYYY-MM-DD``) that daily quotas count in (§3)."""
    return moment.astimezone(BUCHAREST).date().isoformat()
