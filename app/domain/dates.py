"""Calendar arithmetic for memberships: adding months with month-end clamping."""
from __future__ import annotations

import calendar
from datetime import date, datetime


def require_date(value: object, name: str = "date") -> date:
    """Return `value` if it is a calendar date; a datetime (or anything else) is a bug."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {value!r}")
    return value


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months, clamped to the month's last day.

    2018-03-19 + 18 -> 2019-09-19; 2020-02-29 + 12 -> 2021-02-28; 2019-01-31 + 1
    -> 2019-02-28. Negative `months` move backwards.
    """
    require_date(day, "day")
    if isinstance(months, bool) or not isinstance(months, int):
        raise TypeError(f"months must be an int, not {months!r}")
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def started_months(since: date, until: date) -> int:
    """How many months have begun after `since` up to `until` (0 if until <= since).

    The n-th month after `since` ends on add_months(since, n); `until` lies in the
    first month whose end is on or after it. 2018-03-19 -> 2018-03-20 is 1,
    -> 2018-04-19 is still 1, -> 2018-04-20 is 2.
    """
    require_date(since, "since")
    require_date(until, "until")
    if until <= since:
        return 0
    count = max(1, (until.year - since.year) * 12 + until.month - since.month)
    # The estimate is off by at most one either way because of day-of-month clamping.
    while count > 1 and add_months(since, count - 1) >= until:
        count -= 1
    while add_months(since, count) < until:
        count += 1
    return count
