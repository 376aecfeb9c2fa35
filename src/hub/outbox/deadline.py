"""The legal deadline of an issued invoice: it must reach the e-Factura system within 5 working days after its
issue date. Working days are Monday to Friday that are not Romanian public holidays (the `holidays` library,
country RO: Orthodox Easter and Rusalii included, Boboteaza and Sf. Ioan since 2024). No database access.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

DEADLINE_WORKING_DAYS = 5


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("RO", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (`start` itself not counted); `start` for a count of 0."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_left(today: date, deadline: date) -> int:
    """Working days after `today` up to and including `deadline`; 0 on the deadline, negative once past."""
    if deadline < today:
        late = (today - deadline).days
        return -sum(1 for n in range(1, late + 1) if is_working_day(deadline + timedelta(days=n)))
    return sum(1 for n in range(1, (deadline - today).days + 1) if is_working_day(today + timedelta(days=n)))


def deadline_for(issue_date: date | None) -> date | None:
    """The last day the invoice may be sent: the 5th working day after its issue date."""
    return add_working_days(issue_date, DEADLINE_WORKING_DAYS) if issue_date else None
