"""Fee schedules: which may still change, and which one is in force for a quote."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.domain.errors import ScheduleAlreadyInForce, ScheduleInPast
from models import FeeSchedule


def check_schedule_editable(schedule: FeeSchedule | None, *, today: dt.date) -> None:
    """Schedules already in force on an earlier day are frozen, so past quotes stay reproducible."""
    if schedule is None:
        return
    history = inspect(schedule).attrs.effective_from.history
    original = history.deleted[0] if history.deleted else (
        None if inspect(schedule).transient or inspect(schedule).pending else schedule.effective_from
    )
    if original is not None and original < today:
        raise ScheduleAlreadyInForce(effective_from=original.isoformat())
    if schedule.effective_from is not None and schedule.effective_from < today:
        raise ScheduleInPast(effective_from=schedule.effective_from.isoformat(), today=today.isoformat())


def schedules(session: Session) -> list[FeeSchedule]:
    return list(session.scalars(select(FeeSchedule).order_by(FeeSchedule.effective_from)))


def schedule_in_force(session: Session, on: dt.date) -> FeeSchedule | None:
    return session.scalars(
        select(FeeSchedule).where(FeeSchedule.effective_from <= on)
        .order_by(FeeSchedule.effective_from.desc()).limit(1)
    ).first()
