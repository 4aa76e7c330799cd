"""Today's date and the current time for the chamber (Asia/Muscat), in one place tests can set."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

MUSCAT = ZoneInfo("Asia/Muscat")


def now_utc(config: Mapping | None = None) -> dt.datetime:
    """Naive UTC, as stored in the database. CLOCK_NOW (an aware datetime) fixes it in tests."""
    fixed = (config or {}).get("CLOCK_NOW")
    value = fixed if fixed is not None else dt.datetime.now(dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def now_muscat(config: Mapping | None = None) -> dt.datetime:
    return now_utc(config).replace(tzinfo=dt.timezone.utc).astimezone(MUSCAT)


def today(config: Mapping | None = None) -> dt.date:
    fixed = (config or {}).get("CLOCK_TODAY")
    if fixed is not None:
        return fixed
    return now_muscat(config).date()
