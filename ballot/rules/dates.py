"""Calendar arithmetic the rules need (no clock: every date comes from the scenario)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day if shorter.

    2026-06-15 + 6 = 2026-12-15; 2026-08-31 + 6 = 2027-02-28 (no 31 February).
    """
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def full_months_elapsed(start: date, end: date, months: int) -> bool:
    """True when `months` full months, counted date to date, lie between start and end.

    Counted as in Vietnamese administrative practice (as for the 12-month
    probation): admitted 2026-06-15, six months are complete on 2026-12-15.
    """
    return end >= add_months(start, months)
