"""Saving a fee schedule from the one-form editor: its date, its service fees and every grade's annual
fee together, or nothing; and which schedules are in force, scheduled or incomplete.

The rules are the domain's (`validate_schedule`, `check_schedule_editable`); this module
loads what they need, names grades and clashing schedules in the reader's words, and commits.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import fees as domain_fees
from app.domain.errors import (
    IncompleteSchedule, MissingAnnualFee, ScheduleAlreadyInForce, ScheduleClash, ScheduleOverlap,
)
from app.services.membership.quotes import domain_schedule
from app.services.membership.refusals import BilingualText
from models import FeeSchedule, Grade, GradeFee

FEE_FIELDS = tuple(domain_fees.FEE_LABELS)


@dataclass
class ScheduleDraft:
    """What the editor's form holds: amounts in baisa, annual fees by grade id (None: not typed)."""

    effective_from: dt.date | None
    fees: dict[str, int | None]
    annual_fees: dict[int, int | None]
    note: str | None = None
    copied_from: int | None = None
    problems: list = field(default_factory=list)

    @classmethod
    def from_schedule(cls, schedule: FeeSchedule | None, grades: list[Grade], *, keep_date: bool) -> ScheduleDraft:
        if schedule is None:
            return cls(None, {name: None for name in FEE_FIELDS}, {g.id: None for g in grades})
        annual = {fee.grade_id: fee.annual_fee for fee in schedule.grade_fees}
        return cls(schedule.effective_from if keep_date else None,
                   {name: getattr(schedule, name) for name in FEE_FIELDS},
                   {g.id: annual.get(g.id) for g in grades}, schedule.note,
                   copied_from=None if keep_date else schedule.id)


def grades(session: Session) -> list[Grade]:
    return list(session.scalars(select(Grade).order_by(Grade.rank, Grade.id)))


def grade_name(grade: Grade) -> BilingualText:
    return BilingualText(grade.name_en or grade.code, grade.name_ar or grade.name_en or grade.code)


def schedule_name(schedule: FeeSchedule) -> str:
    return schedule.note or schedule.effective_from.isoformat()


def in_force(session: Session, today: dt.date) -> FeeSchedule | None:
    return session.scalars(select(FeeSchedule).where(FeeSchedule.effective_from <= today)
                           .order_by(FeeSchedule.effective_from.desc()).limit(1)).first()


def is_in_force_or_past(schedule: FeeSchedule, today: dt.date) -> bool:
    """True once a schedule has taken effect (today included): it can no longer change."""
    try:
        domain_fees.check_schedule_editable(domain_shape(schedule), today)
    except ScheduleAlreadyInForce:
        return True
    return False


def domain_shape(schedule: FeeSchedule) -> domain_fees.FeeSchedule:
    return domain_schedule(schedule)


def missing_grades(schedule: FeeSchedule, all_grades: list[Grade]) -> list[Grade]:
    priced = {fee.grade_id for fee in schedule.grade_fees}
    return [grade for grade in all_grades if grade.id not in priced]


@dataclass(frozen=True)
class ScheduleState:
    schedule: FeeSchedule
    state: str  # in_force, scheduled, past
    missing: tuple[Grade, ...]


def schedule_states(session: Session, today: dt.date) -> dict[int, ScheduleState]:
    """Every schedule's state and the grades it has no fee for, by id."""
    all_grades = grades(session)
    current = in_force(session, today)
    states = {}
    for schedule in session.scalars(select(FeeSchedule).order_by(FeeSchedule.effective_from)):
        if current is not None and schedule.id == current.id:
            state = "in_force"
        elif schedule.effective_from > today:
            state = "scheduled"
        else:
            state = "past"
        states[schedule.id] = ScheduleState(schedule, state, tuple(missing_grades(schedule, all_grades)))
    return states


def incomplete_schedules(session: Session, today: dt.date) -> list[ScheduleState]:
    """Schedules in force or still to come that lack a grade's annual fee: staff must complete them."""
    return [s for s in schedule_states(session, today).values() if s.missing and s.state != "past"]


def _proposed(draft: ScheduleDraft, all_grades: list[Grade]) -> domain_fees.FeeSchedule:
    by_id = {g.id: g for g in all_grades}
    missing = [str(grade_name(grade)) for grade in all_grades if draft.annual_fees.get(grade.id) is None]
    if missing:
        raise IncompleteSchedule(grades=", ".join(missing))
    return domain_fees.FeeSchedule(
        effective_from=draft.effective_from,
        annual_fees={by_id[grade_id].code: fee for grade_id, fee in draft.annual_fees.items() if grade_id in by_id},
        **{name: draft.fees[name] for name in FEE_FIELDS},
    )


def check_draft(session: Session, draft: ScheduleDraft, *, schedule_id: int | None,
                today: dt.date) -> domain_fees.FeeSchedule:
    """The draft as a domain schedule if it may be saved; otherwise the rule's error, in the reader's words."""
    all_grades = grades(session)
    proposed = _proposed(draft, all_grades)
    others = [s for s in session.scalars(select(FeeSchedule)) if s.id != schedule_id]
    try:
        domain_fees.validate_schedule(proposed, [domain_shape(s) for s in others],
                                      grades=[g.code for g in all_grades], today=today)
    except MissingAnnualFee as error:
        grade = next(g for g in all_grades if g.code == error.params["grade"])
        raise IncompleteSchedule(grades=grade_name(grade)) from None
    except ScheduleOverlap:
        clash = next(s for s in others if s.effective_from == proposed.effective_from)
        raise ScheduleClash(schedule=schedule_name(clash), effective_from=clash.effective_from.isoformat(),
                            schedule_id=clash.id) from None
    return proposed


def save_schedule(session: Session, draft: ScheduleDraft, *, schedule_id: int | None,
                  today: dt.date) -> FeeSchedule:
    """Saves the whole schedule (commits), or raises the rule's error having changed nothing."""
    schedule = None
    if schedule_id is not None:
        schedule = session.get(FeeSchedule, schedule_id)
        if schedule is None:
            raise LookupError(schedule_id)
        domain_fees.check_schedule_editable(domain_shape(schedule), today)
    check_draft(session, draft, schedule_id=schedule_id, today=today)
    if schedule is None:
        schedule = FeeSchedule()
        session.add(schedule)
    schedule.effective_from = draft.effective_from
    schedule.note = draft.note or None
    for name in FEE_FIELDS:
        setattr(schedule, name, draft.fees[name])
    existing: Mapping[int, GradeFee] = {fee.grade_id: fee for fee in schedule.grade_fees}
    for grade_id, amount in draft.annual_fees.items():
        if grade_id in existing:
            existing[grade_id].annual_fee = amount
        else:
            schedule.grade_fees.append(GradeFee(grade_id=grade_id, annual_fee=amount))
    try:
        session.commit()
    except IntegrityError:
        # Another administrator saved a schedule for the same day a moment ago.
        session.rollback()
        clash = session.scalar(select(FeeSchedule).where(FeeSchedule.effective_from == draft.effective_from))
        if clash is None:
            raise
        raise ScheduleClash(schedule=schedule_name(clash), effective_from=clash.effective_from.isoformat(),
                            schedule_id=clash.id) from None
    return schedule
