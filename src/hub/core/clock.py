"""The hub's own clock: wall time plus an offset that tests and the demo can move.

The offset lives in the database so web server and worker agree. It is read only when
`EFACTURA_ALLOW_TIME_TRAVEL` is on; otherwise `now()` is plain `timezone.now()`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from hub.core.models import ClockOffset


class TimeTravelDisabled(RuntimeError):
    """Moving the clock was asked for while `EFACTURA_ALLOW_TIME_TRAVEL` is off."""


def offset() -> timedelta:
    if not settings.EFACTURA_ALLOW_TIME_TRAVEL:
        return timedelta(0)
    row = ClockOffset.objects.filter(pk=1).first()
    return timedelta(seconds=row.seconds) if row else timedelta(0)


def now() -> datetime:
    return timezone.now() + offset()


def advance(delta: timedelta) -> datetime:
    """Move the hub clock forward (or back with a negative delta); returns the new now()."""
    return set_offset(offset() + delta)


def set_offset(value: timedelta) -> datetime:
    if not settings.EFACTURA_ALLOW_TIME_TRAVEL:
        raise TimeTravelDisabled("set EFACTURA_ALLOW_TIME_TRAVEL=1 to move the hub clock")
    ClockOffset.objects.update_or_create(pk=1, defaults={"seconds": value.total_seconds()})
    return now()


def reset() -> None:
    if settings.EFACTURA_ALLOW_TIME_TRAVEL:
        set_offset(timedelta(0))
