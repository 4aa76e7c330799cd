"""Each job's crontab schedule (Asia/Muscat): the catalogue's default, the back office's, or JOB_SCHEDULES's.

APScheduler 3 reads a crontab's day-of-week numbers from Monday = 0; `cron_trigger` reads them as
crontab does (0 and 7 = Sunday), so "30 2 * * 5" runs on Friday.
"""
from __future__ import annotations

from collections.abc import Mapping

from apscheduler.triggers.cron import CronTrigger

from app.infrastructure.clock import MUSCAT
from jobs.catalogue import JOBS

OFF = ("", "off", "none", "disabled")


def schedules(config: Mapping, saved: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Each job's crontab (None: switched off): JOB_SCHEDULES (the environment) wins, then the schedules
    saved in the back office (`saved`), then the catalogue's; a bad override is refused."""
    overrides = config.get("JOB_SCHEDULES") or {}
    if not isinstance(overrides, Mapping):
        raise ValueError("JOB_SCHEDULES must be a JSON object of job name to crontab")
    unknown = set(overrides) - set(JOBS)
    if unknown:
        raise ValueError(f"JOB_SCHEDULES names unknown jobs: {', '.join(sorted(unknown))}")
    result: dict[str, str | None] = {}
    for name, spec in JOBS.items():
        expr = str(overrides.get(name, (saved or {}).get(name, spec.schedule))).strip()
        if expr.lower() in OFF:
            result[name] = None
            continue
        cron_trigger(expr)  # refuses a malformed expression now, not at 3 a.m.
        result[name] = expr
    return result


def cron_trigger(expr: str) -> CronTrigger:
    fields = expr.split()
    if len(fields) == 5:
        fields[4] = crontab_weekdays(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=MUSCAT)


_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) as day names: APScheduler 3's from_crontab would
    read the numbers as Monday = 0, so "30 2 * * 5" would run on Saturday, not Friday."""
    if field in ("*", "?"):
        return field
    days: list[str] = []
    for part in field.split(","):
        if any(ch.isalpha() for ch in part):  # names mean the same day to both
            days.append(part)
            continue
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (int(value) for value in span.split("-", 1))
        else:
            first = last = int(span)
            if step:
                last = 7
        if not (0 <= first <= 7 and 0 <= last <= 7 and first <= last):
            raise ValueError(f"not a day of the week: {part!r}")
        for day in range(first, last + 1, int(step) if step else 1):
            name = _DAY_NAMES[day % 7]
            if name not in days:
                days.append(name)
    return ",".join(days)
