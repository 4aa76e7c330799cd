"""Fee schedules and vouchers in the back office: saved only through the chamber's rules, and the schedule in force for a quote.

The rules are the domain's (`app.domain.fees`, `app.domain.vouchers`); this module only
reads what they need from the database. A schedule in force (taking effect today or
earlier) cannot be changed or deleted, and a schedule cannot take effect before today.
A schedule's annual fees are entered one grade at a time after the schedule itself, so
the header is checked against the grades it already has fees for; a grade without an
annual fee is refused when a quote needs it (MissingAnnualFee).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import fees as domain_fees
from app.domain import vouchers as domain_vouchers
from models import FeeSchedule, Voucher

# The one-off fees of a schedule, by column; the same names as the domain's labels.
FEE_FIELDS = tuple(domain_fees.FEE_LABELS)


def domain_schedule(schedule: FeeSchedule) -> domain_fees.FeeSchedule:
    """A stored schedule as the domain's value, with its annual fees by grade code."""
    return domain_fees.FeeSchedule(
        effective_from=schedule.effective_from,
        annual_fees={fee.grade.code: fee.annual_fee for fee in schedule.grade_fees},
        **{name: getattr(schedule, name) for name in FEE_FIELDS},
    )


def domain_voucher(voucher: Voucher) -> domain_vouchers.Voucher:
    return domain_vouchers.Voucher(
        code=voucher.code, kind=voucher.kind, value=voucher.value, valid_from=voucher.valid_from,
        valid_to=voucher.valid_to, use_limit=voucher.use_limit, times_used=voucher.times_used,
    )


def check_schedule_editable(session: Session, schedule_id: int, *, today: dt.date) -> None:
    """ScheduleAlreadyInForce if the stored schedule is in force, so it may be neither changed nor deleted."""
    stored = session.get(FeeSchedule, schedule_id)
    if stored is not None:
        domain_fees.check_schedule_editable(_header(stored.effective_from, stored), today)


def check_schedule_save(
    session: Session,
    *,
    schedule_id: int | None,
    effective_from: dt.date,
    fees: Mapping[str, int],
    today: dt.date,
) -> None:
    """Raise the domain's InvalidFeeSchedule if a schedule with these values may not be saved.

    `schedule_id` is the schedule being edited (None for a new one); `fees` holds the
    one-off fees by FEE_FIELDS name, in baisa.
    """
    annual_fees: dict[str, int] = {}
    if schedule_id is not None:
        stored = session.get(FeeSchedule, schedule_id)
        if stored is not None:
            domain_fees.check_schedule_editable(_header(stored.effective_from, stored), today)
            annual_fees = dict(domain_schedule(stored).annual_fees)
    new = domain_fees.FeeSchedule(
        effective_from=effective_from, annual_fees=annual_fees, **{name: fees[name] for name in FEE_FIELDS}
    )
    others = [
        _header(effective, None)
        for effective in session.scalars(select(FeeSchedule.effective_from).where(FeeSchedule.id != (schedule_id or 0)))
    ]
    domain_fees.validate_schedule(new, others, grades=annual_fees, today=today)


def check_voucher_save(session: Session, *, voucher_id: int | None, definition: Mapping[str, object]) -> None:
    """Raise the domain's InvalidVoucher if a voucher with these values may not be saved."""
    stored = session.get(Voucher, voucher_id) if voucher_id is not None else None
    domain_vouchers.validate_voucher_definition(domain_vouchers.Voucher(
        code=definition["code"], kind=definition["kind"], value=definition["value"],
        valid_from=definition["valid_from"], valid_to=definition["valid_to"],
        use_limit=definition.get("use_limit"), times_used=stored.times_used if stored is not None else 0,
    ))


def _header(effective_from: dt.date, stored: FeeSchedule | None) -> domain_fees.FeeSchedule:
    """A schedule's date and one-off fees, without its annual fees (the rules compare dates only)."""
    return domain_fees.FeeSchedule(
        effective_from=effective_from, annual_fees={},
        **{name: getattr(stored, name) if stored is not None else 0 for name in FEE_FIELDS},
    )


def schedules(session: Session) -> list[FeeSchedule]:
    return list(session.scalars(select(FeeSchedule).order_by(FeeSchedule.effective_from)))


def schedule_in_force(session: Session, on: dt.date) -> FeeSchedule | None:
    return session.scalars(
        select(FeeSchedule).where(FeeSchedule.effective_from <= on)
        .order_by(FeeSchedule.effective_from.desc()).limit(1)
    ).first()
