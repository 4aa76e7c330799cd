"""Dates and times as people read them: one form, in Asia/Muscat, with the zone said.

Timestamps are stored as naive UTC; a person always sees Muscat time to the minute,
never UTC with microseconds. Dates are written year-month-day everywhere (tables and
sentences alike), so a date inside Arabic text reads the same once isolated.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from app.domain.messages import N_

MUSCAT = ZoneInfo("Asia/Muscat")
# Oman keeps UTC+4 all year (no daylight saving), so SQL may add it as a fixed interval.
MUSCAT_UTC_OFFSET_HOURS = 4
ZONE_LABEL = N_("Muscat time")


def in_muscat(value: dt.datetime) -> dt.datetime:
    """`value` (naive means UTC) as an aware datetime in Asia/Muscat."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"a datetime is needed, not {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(MUSCAT)


def format_day(value: dt.date) -> str:
    """'2028-12-27' (a datetime is first read in Muscat time)."""
    if isinstance(value, dt.datetime):
        value = in_muscat(value).date()
    if not isinstance(value, dt.date):
        raise TypeError(f"a date is needed, not {value!r}")
    return value.isoformat()


def format_clock(value: dt.datetime) -> str:
    """'2026-12-07 08:55': a timestamp in Muscat time to the minute, without the zone's name."""
    return in_muscat(value).strftime("%Y-%m-%d %H:%M")


def format_moment(value: dt.datetime, zone_label: str) -> str:
    """'2026-12-07 08:55 Muscat time': for text without markup (exports, emails, logs)."""
    return f"{format_clock(value)} {zone_label}"
