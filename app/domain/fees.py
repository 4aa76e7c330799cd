"""Fee schedules: the chamber's prices by effective date, and the rules for adding one.

A schedule applies from its `effective_from` date until the next schedule's. Rules
for a new schedule (`validate_schedule`):
- no fee is negative (zero is allowed: a free service or a waived grade);
- every grade of the chamber has an annual fee, and no fee names an unknown grade;
- no other schedule takes effect on the same day (with effective-from dating the
  only possible overlap is two schedules starting together);
- when `today` is given, the schedule may not take effect before today, so a
  quote already given for an earlier day is never re-priced.
A schedule is in force from its first day on (`is_in_force`: effective_from <= today,
so one taking effect today is in force); a schedule in force cannot be edited or
deleted (`check_schedule_editable`): the chamber adds a new schedule instead.
When an administrator edits a future schedule, the service passes the other
schedules as `existing`, without the one being replaced.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from app.domain.dates import require_date
from app.domain.errors import (
    MissingAnnualFee,
    NegativeFee,
    NoScheduleInForce,
    ScheduleAlreadyInForce,
    ScheduleInPast,
    ScheduleOverlap,
    UnknownGrade,
)
from app.domain.messages import Message, N_
from app.domain.money import require_baisa

# The labels of the one-off fees, by FeeSchedule field; also the quote lines' labels.
FEE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "registration_fee": N_("Registration fee"),
        "replacement_fee": N_("Replacement certificate fee"),
        "name_change_fee": N_("Name change fee"),
        "grade_change_fee": N_("Grade change fee"),
        "late_fee_per_month": N_("Late fee per month"),
    }
)
ANNUAL_FEE_LABEL = N_("Annual fee for grade %(grade)s")


def annual_fee_label(grade_code: str) -> Message:
    """The translatable name of one grade's annual fee."""
    return Message(ANNUAL_FEE_LABEL, {"grade": grade_code})


@dataclass(frozen=True)
class FeeSchedule:
    """The chamber's prices in baisa from `effective_from` on."""

    effective_from: date
    annual_fees: Mapping[str, int]  # grade code -> annual fee in baisa
    registration_fee: int
    replacement_fee: int
    name_change_fee: int
    grade_change_fee: int
    late_fee_per_month: int = 0

    def __post_init__(self) -> None:
        require_date(self.effective_from, "effective_from")
        annual = dict(self.annual_fees)
        for grade_code, fee in annual.items():
            if not isinstance(grade_code, str):
                raise TypeError(f"grade codes are str, not {grade_code!r}")
            require_baisa(fee, f"annual fee of grade {grade_code}")
        for name in FEE_LABELS:
            require_baisa(getattr(self, name), name)
        # Read-only, so a schedule cannot be altered after it was validated.
        object.__setattr__(self, "annual_fees", MappingProxyType(annual))

    __hash__ = None  # a read-only mapping is not hashable; compare schedules with ==

    def annual_fee(self, grade_code: str) -> int:
        """The annual fee of `grade_code`, or MissingAnnualFee."""
        try:
            return self.annual_fees[grade_code]
        except KeyError:
            raise MissingAnnualFee(grade=grade_code) from None


def schedule_in_force(schedules: Iterable[FeeSchedule], on: date) -> FeeSchedule:
    """The schedule with the latest effective_from on or before `on`."""
    require_date(on, "on")
    candidates = [s for s in schedules if s.effective_from <= on]
    if not candidates:
        raise NoScheduleInForce(on=on)
    latest = max(s.effective_from for s in candidates)
    in_force = [s for s in candidates if s.effective_from == latest]
    if len(in_force) > 1:
        # Stored data broke validate_schedule; picking one would be a guess.
        raise ScheduleOverlap(effective_from=latest)
    return in_force[0]


def validate_schedule(
    new: FeeSchedule,
    existing: Iterable[FeeSchedule],
    *,
    grades: Iterable[str],
    today: date | None = None,
) -> None:
    """Raise the first InvalidFeeSchedule error of `new`; return None if it may be saved.

    `grades` are the chamber's grade codes; `existing` the schedules already saved.
    """
    for name, label in FEE_LABELS.items():
        if getattr(new, name) < 0:
            raise NegativeFee(fee=Message(label), field=name)
    for grade_code in sorted(new.annual_fees):
        if new.annual_fees[grade_code] < 0:
            raise NegativeFee(fee=annual_fee_label(grade_code), field="annual_fee")

    known = list(grades)
    for grade_code in sorted(new.annual_fees):
        if grade_code not in known:
            raise UnknownGrade(grade=grade_code)
    for grade_code in known:
        if grade_code not in new.annual_fees:
            raise MissingAnnualFee(grade=grade_code)

    if any(s.effective_from == new.effective_from for s in existing):
        raise ScheduleOverlap(effective_from=new.effective_from)
    if today is not None:
        require_date(today, "today")
        if new.effective_from < today:
            raise ScheduleInPast(effective_from=new.effective_from, today=today)


def is_in_force(effective_from: date, today: date) -> bool:
    """A schedule is in force (or was) from its first day on, that day included."""
    require_date(effective_from, "effective_from")
    require_date(today, "today")
    return effective_from <= today


def check_schedule_editable(schedule: FeeSchedule, today: date) -> None:
    """Refuse to edit or delete a schedule that is already (or was) in force."""
    if is_in_force(schedule.effective_from, today):
        raise ScheduleAlreadyInForce(effective_from=schedule.effective_from)
