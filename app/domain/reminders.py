"""When a membership expiry reminder is due, and when an SMS may be sent (quiet hours).

Offsets are days before the expiry date (negative: after it); with the default
(30, 7, 1, -7) a membership expiring on 31 March is reminded on 1 March, 24 March,
30 March and 7 April.

Catch-up rule (the job may not run every day: a crash, maintenance, a new deployment).
Each offset owns a window of days: from its own date up to the day before the next
offset's date; the last offset's window lasts `last_window_days` days. On any day at
most one offset is due: the one whose window holds that day. If that offset was
already sent, nothing is due. So a run after a gap sends only the most recent reminder
that applies (never three stale ones at once), a membership that expired long ago gets
nothing, and an offset whose window has passed unsent is skipped for good.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from app.domain.dates import require_date

EXPIRING_TEMPLATE = "membership_expiring"
EXPIRED_TEMPLATE = "membership_expired"


def normalise_offsets(offsets: Iterable[int]) -> tuple[int, ...]:
    """The distinct offsets, furthest before expiry first; a configuration without any is a mistake."""
    values = sorted({int(o) for o in offsets}, reverse=True)
    if not values:
        raise ValueError("at least one reminder offset is needed")
    return tuple(values)


def due_offset(expires_on: dt.date, today: dt.date, offsets: Iterable[int], last_window_days: int = 7) -> int | None:
    """The offset whose window holds `today` for a membership expiring on `expires_on`, or None."""
    require_date(expires_on, "expires_on")
    require_date(today, "today")
    if last_window_days < 1:
        raise ValueError("last_window_days must be at least 1")
    ordered = normalise_offsets(offsets)
    days_left = (expires_on - today).days
    for index, offset in enumerate(ordered):
        # The window of `offset` is days_left in (next_offset, offset].
        lower = ordered[index + 1] if index + 1 < len(ordered) else offset - last_window_days
        if lower < days_left <= offset:
            return offset
    return None


def reminder_to_send(expires_on: dt.date, today: dt.date, offsets: Iterable[int], sent: Collection[int],
                     last_window_days: int = 7) -> int | None:
    """The offset to remind about today, given the offsets already `sent` for this expiry date."""
    offset = due_offset(expires_on, today, offsets, last_window_days)
    return None if offset is None or offset in sent else offset


def candidate_expiry_range(today: dt.date, offsets: Iterable[int], last_window_days: int = 7) -> tuple[dt.date, dt.date]:
    """The expiry dates (first, last, inclusive) for which some offset can be due today: a query filter."""
    ordered = normalise_offsets(offsets)
    first = today + dt.timedelta(days=ordered[-1] - last_window_days + 1)
    last = today + dt.timedelta(days=ordered[0])
    return first, last


def template_for(offset: int) -> str:
    """Before (or on) the expiry date the member is told it is coming; after it, that it has passed."""
    return EXPIRING_TEMPLATE if offset >= 0 else EXPIRED_TEMPLATE


# --- quiet hours ---------------------------------------------------------------------


def parse_clock_time(value: str | dt.time) -> dt.time:
    """'21:00' -> 21:00; refuses anything but HH:MM."""
    if isinstance(value, dt.time):
        return value
    try:
        hours, minutes = str(value).strip().split(":")
        return dt.time(int(hours), int(minutes))
    except (ValueError, TypeError):
        raise ValueError(f"not a time of day (HH:MM): {value!r}") from None


def in_quiet_hours(moment: dt.datetime, start: dt.time, end: dt.time) -> bool:
    """Whether `moment` (local time) falls in [start, end); a window may cross midnight; start == end: none."""
    clock = moment.time().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def sms_send_time(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime:
    """`now` outside quiet hours, else the moment they end (same time zone as `now`)."""
    if not in_quiet_hours(now, start, end):
        return now
    end_today = now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return end_today if now < end_today else end_today + dt.timedelta(days=1)
