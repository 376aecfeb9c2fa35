"""The legal deadline: the 5th working day after the issue date, Romanian public holidays not counted."""

from __future__ import annotations

from datetime import date

import pytest

from hub.outbox.deadline import add_working_days, deadline_for, is_working_day, working_days_left

# (issue date, deadline, what lies in between); worked out by hand from the legal calendar.
KNOWN = [
    (date(2023, 12, 29), date(2024, 1, 9), "1-2 Jan 2024 (Mon, Tue)"),
    (date(2024, 4, 30), date(2024, 5, 10), "1 May, Good Friday 3 May, Easter Monday 6 May 2024"),
    (date(2024, 5, 29), date(2024, 6, 5), "1 June 2024 is a Saturday: no effect"),
    (date(2024, 6, 20), date(2024, 6, 28), "Rusalii Monday 24 June 2024"),
    (date(2024, 8, 13), date(2024, 8, 21), "15 Aug 2024 (Thu)"),
    (date(2024, 11, 28), date(2024, 12, 5), "30 Nov / 1 Dec 2024 on the weekend"),
    (date(2024, 12, 23), date(2025, 1, 3), "Christmas 25-26 Dec 2024, 1-2 Jan 2025"),
    (date(2025, 1, 3), date(2025, 1, 14), "Boboteaza 6 Jan and Sf. Ioan 7 Jan 2025 (Mon, Tue)"),
    (date(2025, 1, 22), date(2025, 1, 30), "24 Jan 2025 (Fri)"),
    (date(2025, 4, 17), date(2025, 4, 28), "Good Friday 18 Apr, Easter Monday 21 Apr 2025"),
    (date(2025, 4, 29), date(2025, 5, 7), "1 May 2025 (Thu)"),
    (date(2025, 6, 5), date(2025, 6, 13), "Rusalii Monday 9 June 2025"),
    (date(2025, 8, 12), date(2025, 8, 20), "15 Aug 2025 (Fri)"),
    (date(2025, 11, 27), date(2025, 12, 5), "1 Dec 2025 (Mon)"),
    (date(2025, 12, 22), date(2025, 12, 31), "Christmas 25-26 Dec 2025 (Thu, Fri)"),
    (date(2025, 12, 31), date(2026, 1, 13), "1-2 Jan, 6-7 Jan 2026"),
    (date(2026, 4, 8), date(2026, 4, 17), "Good Friday 10 Apr, Easter Monday 13 Apr 2026"),
    (date(2026, 4, 29), date(2026, 5, 7), "1 May 2026 (Fri)"),
    (date(2026, 5, 28), date(2026, 6, 5), "1 June 2026: Children's Day and Rusalii Monday"),
    (date(2026, 11, 27), date(2026, 12, 8), "30 Nov and 1 Dec 2026 (Mon, Tue)"),
    (date(2026, 12, 23), date(2026, 12, 31), "Christmas 25 Dec 2026 (Fri)"),
    (date(2026, 12, 31), date(2027, 1, 12), "1 Jan, 6-7 Jan 2027"),
    (date(2027, 4, 28), date(2027, 5, 7), "Good Friday 30 Apr, Easter Monday 3 May 2027"),
    (date(2027, 5, 28), date(2027, 6, 7), "1 June 2027 (Tue)"),
    (date(2027, 6, 17), date(2027, 6, 25), "Rusalii Monday 21 June 2027"),
    (date(2027, 11, 26), date(2027, 12, 7), "30 Nov and 1 Dec 2027 (Tue, Wed)"),
    (date(2027, 12, 22), date(2027, 12, 29), "Christmas 2027 on the weekend"),
]


@pytest.mark.parametrize(("issued", "deadline", "between"), KNOWN, ids=[row[2] for row in KNOWN])
def test_the_deadline_is_the_fifth_working_day_after_the_issue_date(
    issued: date, deadline: date, between: str
) -> None:
    assert deadline_for(issued) == deadline


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 1, 6),  # Boboteaza, a Saturday: a holiday either way
        date(2025, 1, 6),
        date(2025, 1, 7),
        date(2026, 4, 10),  # Orthodox Good Friday
        date(2026, 4, 13),  # Orthodox Easter Monday
        date(2026, 6, 1),
        date(2027, 6, 21),  # Rusalii Monday
        date(2025, 8, 15),
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 25),
        date(2027, 1, 1),
    ],
)
def test_public_holidays_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


def test_working_days_are_counted_after_today_and_past_the_deadline() -> None:
    deadline = date(2026, 12, 8)
    assert working_days_left(date(2026, 12, 3), deadline) == 3  # 4, 7, 8 December
    assert working_days_left(date(2026, 12, 7), deadline) == 1
    assert working_days_left(deadline, deadline) == 0
    assert working_days_left(date(2026, 12, 10), deadline) == -2  # 9 and 10 December late
    assert working_days_left(date(2026, 12, 14), deadline) == -4  # 9, 10, 11 and 14: the weekend not counted
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 12, 2)  # over the two holidays
    assert deadline_for(None) is None
