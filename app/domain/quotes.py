"""Quotes: the fee lines, total and new expiry date a member is asked to pay for a service.

Renewal: the period is one year, one year and six months, or two years (12, 18 or
24 months); each full year is one line at the grade's annual fee, the half year
is half the annual fee rounded half up to a baisa. A voucher line always follows
(0 without a voucher, as on the old portal: "Voucher RO 0"); the voucher applies
to the sum of the lines before it.

Renewing a late membership (one rule, by the status on `today`, see membership.py):
- active or in grace: the new period continues from the current expiry date,
  with no late fee (that is what the grace period is for); the grace days
  already used are part of the paid period;
- expired (after the grace period): the new period starts on `today`, the missed
  years are not charged, and a late fee of `late_fee_per_month` is charged for
  each month begun since the old expiry date, at most twelve months. A late-fee
  line appears only when it is above zero.

New membership: registration fee and first year, new expiry today + 12 months.
A total of zero is possible (free grade or full voucher): the caller then grants
the membership without a payment.

Replacement certificate, change of name and change of grade each cost their fee
from the schedule and take no voucher. A name change is refused once the
membership has expired (in grace it is still allowed); a grade change needs an
active membership, since it converts paid days that remain (see grade_change.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.dates import add_months, require_date, started_months
from app.domain.errors import (
    GradeChangeNeedsRenewal,
    InvalidPeriod,
    NameChangeNeedsRenewal,
    SameGrade,
)
from app.domain.fees import FEE_LABELS, FeeSchedule
from app.domain.grade_change import new_expiry_after_grade_change
from app.domain.membership import MembershipStatus, membership_status
from app.domain.messages import Message, N_
from app.domain.money import fraction_of, require_baisa
from app.domain.vouchers import Voucher, voucher_discount

MAX_LATE_FEE_MONTHS = 12

RENEWAL_PERIODS = {
    12: N_("One year"),
    18: N_("One year and six months"),
    24: N_("Two years"),
}


class LineKind(StrEnum):
    YEAR_1 = "year_1"
    YEAR_2 = "year_2"
    HALF_YEAR = "half_year"
    REGISTRATION = "registration"
    REPLACEMENT = "replacement"
    NAME_CHANGE = "name_change"
    GRADE_CHANGE = "grade_change"
    LATE_FEE = "late_fee"
    VOUCHER = "voucher"


LINE_LABELS = {
    LineKind.YEAR_1: N_("First-year fee"),
    LineKind.YEAR_2: N_("Second-year fee"),
    LineKind.HALF_YEAR: N_("Half-year fee"),
    LineKind.REGISTRATION: FEE_LABELS["registration_fee"],
    LineKind.REPLACEMENT: FEE_LABELS["replacement_fee"],
    LineKind.NAME_CHANGE: FEE_LABELS["name_change_fee"],
    LineKind.GRADE_CHANGE: FEE_LABELS["grade_change_fee"],
    LineKind.LATE_FEE: N_("Late fee"),
    LineKind.VOUCHER: N_("Voucher discount"),
}


@dataclass(frozen=True)
class QuoteLine:
    """One priced line; the voucher line is zero or negative, every other line >= 0."""

    kind: LineKind
    amount: int
    label_id: str

    def __post_init__(self) -> None:
        require_baisa(self.amount, "amount")
        if self.kind == LineKind.VOUCHER and self.amount > 0:
            raise ValueError("a voucher line cannot add to the total")
        if self.kind != LineKind.VOUCHER and self.amount < 0:
            raise ValueError(f"a {self.kind} line cannot be negative")

    @property
    def label(self) -> Message:
        return Message(self.label_id)


def _line(kind: LineKind, amount: int) -> QuoteLine:
    return QuoteLine(kind, amount, LINE_LABELS[kind])


@dataclass(frozen=True)
class Quote:
    """What a service costs: its lines, their total, and the expiry it leads to.

    `counted_from` is the date the new expiry is counted from (the old expiry, or
    today); both are None for services that do not move the expiry.
    """

    lines: tuple[QuoteLine, ...]
    total: int
    new_expiry: date | None = None
    counted_from: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        require_baisa(self.total, "total")
        if self.total != sum(line.amount for line in self.lines):
            raise ValueError("a quote's total must be the sum of its lines")
        if self.total < 0:
            raise ValueError("a quote's total cannot be negative")

    @property
    def subtotal(self) -> int:
        """The total before the voucher."""
        return sum(line.amount for line in self.lines if line.kind != LineKind.VOUCHER)

    @property
    def discount(self) -> int:
        """The voucher's discount as a positive amount (0 without a voucher)."""
        return -self.amount_of(LineKind.VOUCHER)

    def amount_of(self, kind: LineKind) -> int:
        """The sum of the lines of `kind` (0 when there is none)."""
        return sum(line.amount for line in self.lines if line.kind == kind)


def _quote(
    fee_lines: Iterable[QuoteLine],
    voucher: Voucher | None,
    on: date,
    *,
    new_expiry: date,
    counted_from: date,
) -> Quote:
    """Fee lines, then the voucher line, then the total."""
    fee_lines = tuple(fee_lines)
    subtotal = sum(line.amount for line in fee_lines)
    discount = 0 if voucher is None else voucher_discount(voucher, subtotal, on)
    return Quote(
        lines=(*fee_lines, _line(LineKind.VOUCHER, -discount)),
        total=subtotal - discount,
        new_expiry=new_expiry,
        counted_from=counted_from,
    )


def renewal_quote(
    schedule: FeeSchedule,
    grade_code: str,
    current_expiry: date,
    months: int,
    today: date,
    voucher: Voucher | None = None,
    *,
    grace_days: int,
) -> Quote:
    """The price and new expiry of renewing for `months` (12, 18 or 24) on `today`.

    For example, Fourth grade at RO 25, expiry 2018-03-19: 12 -> RO 25 until 2019-03-19,
    18 -> RO 37.500 until 2019-09-19, 24 -> RO 50 until 2020-03-19.
    """
    if isinstance(months, bool) or not isinstance(months, int) or months not in RENEWAL_PERIODS:
        raise InvalidPeriod(months=months)
    annual_fee = schedule.annual_fee(grade_code)
    status = membership_status(current_expiry, today, grace_days)

    lines = [_line(LineKind.YEAR_1, annual_fee)]
    if months == 18:
        lines.append(_line(LineKind.HALF_YEAR, fraction_of(annual_fee, 1, 2)))
    elif months == 24:
        lines.append(_line(LineKind.YEAR_2, annual_fee))

    if status is MembershipStatus.EXPIRED:
        counted_from = today
        late_months = min(started_months(current_expiry, today), MAX_LATE_FEE_MONTHS)
        late_fee = late_months * schedule.late_fee_per_month
        if late_fee > 0:
            lines.append(_line(LineKind.LATE_FEE, late_fee))
    else:
        counted_from = current_expiry

    return _quote(
        lines,
        voucher,
        today,
        new_expiry=add_months(counted_from, months),
        counted_from=counted_from,
    )


def new_membership_quote(
    schedule: FeeSchedule,
    grade_code: str,
    today: date,
    voucher: Voucher | None = None,
) -> Quote:
    """Registration fee and the first year; the membership runs to today + 12 months."""
    require_date(today, "today")
    lines = (
        _line(LineKind.REGISTRATION, schedule.registration_fee),
        _line(LineKind.YEAR_1, schedule.annual_fee(grade_code)),
    )
    return _quote(
        lines, voucher, today, new_expiry=add_months(today, 12), counted_from=today
    )


def _single_fee(kind: LineKind, amount: int) -> Quote:
    return Quote(lines=(_line(kind, amount),), total=amount)


def replacement_quote(schedule: FeeSchedule) -> Quote:
    """A replacement for a lost certificate (e.g. 4.000 OMR)."""
    return _single_fee(LineKind.REPLACEMENT, schedule.replacement_fee)


def name_change_quote(schedule: FeeSchedule, status: MembershipStatus | str) -> Quote:
    """A change of name; refused once the membership has expired (e.g. RO 4)."""
    if MembershipStatus(status) is MembershipStatus.EXPIRED:
        raise NameChangeNeedsRenewal()
    return _single_fee(LineKind.NAME_CHANGE, schedule.name_change_fee)


def grade_change_quote(
    schedule: FeeSchedule,
    current_grade: str,
    new_grade: str,
    current_expiry: date,
    requested_on: date,
) -> Quote:
    """A change of grade: its fee and the converted expiry (e.g. RO 4, to 2019-03-18)."""
    if current_grade == new_grade:
        raise SameGrade(grade=new_grade)
    require_date(current_expiry, "current_expiry")
    require_date(requested_on, "requested_on")
    if requested_on > current_expiry:
        raise GradeChangeNeedsRenewal()
    new_expiry = new_expiry_after_grade_change(
        schedule.annual_fee(current_grade),
        schedule.annual_fee(new_grade),
        current_expiry,
        requested_on,
    )
    fee = schedule.grade_change_fee
    return Quote(
        lines=(_line(LineKind.GRADE_CHANGE, fee),),
        total=fee,
        new_expiry=new_expiry,
        counted_from=requested_on,
    )
