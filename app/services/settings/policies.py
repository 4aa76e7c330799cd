"""Schedules and policies Admin sets in the back office: reminder offsets, quiet hours, grace days, the
order time-to-live and each job's schedule. Every reader takes them from here, so a change is used by
the next run (within SETTINGS_CACHE_SECONDS) without a restart; an environment variable still wins.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from app.domain.errors import TranslatableError
from app.domain.messages import N_
from app.domain.reminders import normalise_offsets, parse_clock_time
from app.infrastructure.clock import MUSCAT
from app.services.settings import store
from app.services.settings.store import Setting

REMINDER_OFFSETS = Setting("REMINDER_OFFSETS_DAYS", ("REMINDER_OFFSETS_DAYS",))
QUIET_HOURS = Setting("QUIET_HOURS", ("QUIET_HOURS_START", "QUIET_HOURS_END"))
GRACE_DAYS = Setting("GRACE_DAYS", ("GRACE_DAYS",))
ORDER_TTL = Setting("ORDER_TTL_MINUTES", ("ORDER_TTL_MINUTES",))
JOB_SCHEDULES = Setting("JOB_SCHEDULES", ("JOB_SCHEDULES",))
POLICIES = (REMINDER_OFFSETS, QUIET_HOURS, GRACE_DAYS, ORDER_TTL)

MAX_OFFSET_DAYS = 365
GRACE_LIMITS = (0, 365)
TTL_LIMITS = (5, 24 * 60)


class InvalidPolicy(TranslatableError):
    """A schedule or policy Admin typed that cannot be saved."""


class OffsetsInvalid(InvalidPolicy):
    field = "reminder_offsets"
    message_id = N_("Enter the reminder offsets as whole days separated by commas, each within a year "
                    "(from -365 to 365), for example 30, 7, 1, -7.")


class ClockTimeInvalid(InvalidPolicy):
    message_id = N_("Enter a time of day as HH:MM, for example 21:00.")


class NumberOutOfRange(InvalidPolicy):
    message_id = N_("Enter a whole number from %(low)s to %(high)s.")


class CronInvalid(InvalidPolicy):
    message_id = N_("“%(expression)s” is not a schedule: enter five crontab fields (minute hour day month "
                    "weekday), for example 0 9 * * *, or “off”.")


# --- reading ------------------------------------------------------------------------


def reminder_offsets(config: Mapping[str, Any] | None = None) -> tuple[int, ...]:
    return normalise_offsets(store.effective(REMINDER_OFFSETS, config).value or (30, 7, 1, -7))


def quiet_hours(config: Mapping[str, Any] | None = None) -> tuple[str, str]:
    start, end = store.effective(QUIET_HOURS, config).value or ("21:00", "08:00")
    return str(start), str(end)


def grace_days(config: Mapping[str, Any] | None = None) -> int:
    value = store.effective(GRACE_DAYS, config).value
    return int(30 if value is None else value)


def order_ttl_minutes(config: Mapping[str, Any] | None = None) -> int:
    value = store.effective(ORDER_TTL, config).value
    return int(60 if value is None else value)


def saved_job_schedules() -> dict[str, str]:
    value = store.saved_settings().get(JOB_SCHEDULES.key)
    return dict(value) if isinstance(value, Mapping) else {}


def job_schedule_sources(config: Mapping[str, Any]) -> dict[str, str]:
    """Per job: environment (JOB_SCHEDULES names it), back_office or default."""
    overrides = config.get("JOB_SCHEDULES") or {}
    saved = saved_job_schedules()
    from jobs.catalogue import JOBS

    return {name: store.ENVIRONMENT if name in overrides else store.BACK_OFFICE if name in saved else store.DEFAULT
            for name in JOBS}


def job_schedules(config: Mapping[str, Any] | None = None) -> dict[str, str | None]:
    """Each job's crontab in force (None: switched off)."""
    from app.services.jobs.schedules import schedules

    return schedules(current_app.config if config is None else config, saved=saved_job_schedules())


# --- checking -------------------------------------------------------------------------


def parse_offsets(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.replace("،", ",").split(",") if part.strip()]
    except ValueError:
        raise OffsetsInvalid() from None
    if not values or any(abs(value) > MAX_OFFSET_DAYS for value in values):
        raise OffsetsInvalid()
    return list(normalise_offsets(values))


def parse_time(text: str, field: str) -> str:
    try:
        return parse_clock_time(text).strftime("%H:%M")
    except ValueError:
        raise ClockTimeInvalid(field=field) from None


def parse_whole(text: str, limits: tuple[int, int], field: str) -> int:
    low, high = limits
    try:
        value = int(str(text).strip())
    except ValueError:
        raise NumberOutOfRange(field=field, low=low, high=high) from None
    if not low <= value <= high:
        raise NumberOutOfRange(field=field, low=low, high=high)
    return value


def parse_schedule(text: str, field: str) -> str | None:
    """A crontab expression (or off); refused when APScheduler cannot read it."""
    from app.services.jobs.schedules import OFF, cron_trigger

    expression = " ".join(str(text).split())
    if expression.lower() in OFF:
        return "off"
    try:
        cron_trigger(expression)
    except (ValueError, TypeError):
        raise CronInvalid(field=field, expression=expression) from None
    return expression


def next_runs(expression: str | None, now: dt.datetime, count: int = 5) -> list[dt.datetime]:
    """The next `count` runs of a schedule after `now` (aware), in Asia/Muscat."""
    if expression is None or expression.lower() in ("off",):
        return []
    from app.services.jobs.schedules import cron_trigger

    trigger = cron_trigger(expression)
    runs, previous, moment = [], None, now.astimezone(MUSCAT)
    for _ in itertools.repeat(None, count):
        moment = trigger.get_next_fire_time(previous, moment)
        if moment is None:
            break
        runs.append(moment)
        previous = moment
        moment = moment + dt.timedelta(seconds=1)
    return runs


# --- saving ---------------------------------------------------------------------------


def save_policies(session: Session, form: Mapping[str, str], user_id: int | None) -> list[str]:
    """Checks every typed value (raising InvalidPolicy on the first bad one), saves those not
    overridden by the environment; commits. Returns the keys that changed."""
    from jobs.catalogue import JOBS

    values: dict[str, Any] = {}
    if not store.effective(REMINDER_OFFSETS).overridden:
        values[REMINDER_OFFSETS.key] = parse_offsets(form.get("reminder_offsets", ""))
    if not store.effective(QUIET_HOURS).overridden:
        values[QUIET_HOURS.key] = [parse_time(form.get("quiet_start", ""), "quiet_start"),
                                   parse_time(form.get("quiet_end", ""), "quiet_end")]
    if not store.effective(GRACE_DAYS).overridden:
        values[GRACE_DAYS.key] = parse_whole(form.get("grace_days", ""), GRACE_LIMITS, "grace_days")
    if not store.effective(ORDER_TTL).overridden:
        values[ORDER_TTL.key] = parse_whole(form.get("order_ttl_minutes", ""), TTL_LIMITS, "order_ttl_minutes")
    sources = job_schedule_sources(current_app.config)
    saved = saved_job_schedules()
    for name, spec in JOBS.items():
        field = f"schedule_{name}"
        if sources[name] == store.ENVIRONMENT or field not in form:
            continue
        expression = parse_schedule(form[field], field)
        if expression == spec.schedule:
            saved.pop(name, None)  # back to the default: the default follows future releases
        else:
            saved[name] = expression
    values[JOB_SCHEDULES.key] = saved
    changed = store.save(session, values, user_id)
    session.commit()
    store.forget_cached()
    return changed


def environment_values(setting: Setting) -> str:
    """The overriding environment variables and their values, for the page to say so."""
    return ", ".join(f"{name}={os.environ.get(name, '')}" for name in setting.env if os.environ.get(name))
