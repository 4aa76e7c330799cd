"""The chamber's reports as SQL aggregates: revenue, renewals by grade, memberships expiring soon, payment outcomes.

Periods are calendar dates in Asia/Muscat, both ends included; timestamps are stored in
UTC, so a period is turned into UTC bounds and months are counted in Muscat time.
Amounts are integer baisa.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from app.domain.messages import N_
from app.services.exports.errors import AuditorRequestError
from app.infrastructure.clock import MUSCAT
from models import Grade, Membership, Payment, ServiceOrder

REVENUE_STATUSES = ("paid", "fulfilled")
EXPIRY_HORIZONS = (30, 60, 90)
# Oman keeps no daylight saving time, so one offset holds for every stored timestamp.
_MUSCAT_OFFSET_MINUTES = int(dt.datetime(2000, 1, 1, tzinfo=MUSCAT).utcoffset().total_seconds() // 60)


class InvalidPeriod(AuditorRequestError):
    message_id = N_("The period must start on or before its last day (%(start)s to %(end)s).")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise InvalidPeriod(start=self.start.isoformat(), end=self.end.isoformat())

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first instant, instant after the last day) in naive UTC, as timestamps are stored."""
        def utc(day: dt.date) -> dt.datetime:
            local = dt.datetime.combine(day, dt.time(), tzinfo=MUSCAT)
            return local.astimezone(dt.timezone.utc).replace(tzinfo=None)

        return utc(self.start), utc(self.end + dt.timedelta(days=1))


@dataclass(frozen=True)
class MonthRevenue:
    month: str  # YYYY-MM in Muscat time
    service: str
    orders: int
    total: int  # baisa


@dataclass(frozen=True)
class GradeRenewals:
    grade: str  # grade code
    name_en: str
    name_ar: str
    renewals: int
    total: int  # baisa


@dataclass(frozen=True)
class GradeExpiring:
    grade: str
    name_en: str
    name_ar: str
    within: dict[int, int]  # horizon in days -> memberships expiring within it (cumulative)


@dataclass(frozen=True)
class PaymentOutcome:
    status: str
    payments: int
    amount: int  # baisa


def _local_month(session: Session, column):
    """YYYY-MM of a UTC timestamp column, read in Muscat time, in this database's dialect."""
    # Literals, not bound parameters: PostgreSQL matches the SELECT and GROUP BY expressions textually.
    minutes = int(_MUSCAT_OFFSET_MINUTES)
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column + literal_column(f"interval '{minutes} minutes'"), literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column, literal_column(f"'{minutes:+d} minutes'"))


def revenue_by_month(session: Session, period: Period) -> list[MonthRevenue]:
    """Paid and fulfilled requests by the month they were paid and by service."""
    start, end = period.utc_bounds()
    month = _local_month(session, ServiceOrder.paid_at).label("month")
    rows = session.execute(
        select(month, ServiceOrder.service, func.count(ServiceOrder.id), func.coalesce(func.sum(ServiceOrder.total), 0))
        .where(ServiceOrder.status.in_(REVENUE_STATUSES), ServiceOrder.paid_at >= start, ServiceOrder.paid_at < end)
        .group_by(month, ServiceOrder.service)
        .order_by(month, ServiceOrder.service)
    ).all()
    return [MonthRevenue(m, service, int(count), int(total)) for m, service, count, total in rows]


def revenue_by_service(session: Session, period: Period) -> dict[str, tuple[int, int]]:
    """service -> (requests, baisa) over the whole period."""
    start, end = period.utc_bounds()
    rows = session.execute(
        select(ServiceOrder.service, func.count(ServiceOrder.id), func.coalesce(func.sum(ServiceOrder.total), 0))
        .where(ServiceOrder.status.in_(REVENUE_STATUSES), ServiceOrder.paid_at >= start, ServiceOrder.paid_at < end)
        .group_by(ServiceOrder.service)
    ).all()
    return {service: (int(count), int(total)) for service, count, total in rows}


def renewals_by_grade(session: Session, period: Period) -> list[GradeRenewals]:
    """Renewals paid in the period, by the membership's grade; every grade is listed, highest first."""
    start, end = period.utc_bounds()
    counted = dict(
        (grade_id, (int(count), int(total)))
        for grade_id, count, total in session.execute(
            select(Membership.grade_id, func.count(ServiceOrder.id), func.coalesce(func.sum(ServiceOrder.total), 0))
            .join(Membership, ServiceOrder.membership_id == Membership.id)
            .where(ServiceOrder.service == "renewal", ServiceOrder.status.in_(REVENUE_STATUSES),
                   ServiceOrder.paid_at >= start, ServiceOrder.paid_at < end)
            .group_by(Membership.grade_id)
        ).all()
    )
    grades = session.execute(select(Grade.id, Grade.code, Grade.name_en, Grade.name_ar).order_by(Grade.rank)).all()
    return [GradeRenewals(code, name_en, name_ar, *counted.get(grade_id, (0, 0)))
            for grade_id, code, name_en, name_ar in grades]


def expiring_memberships(session: Session, today: dt.date,
                         horizons: tuple[int, ...] = EXPIRY_HORIZONS) -> list[GradeExpiring]:
    """Memberships expiring from today to today + N days (each N in `horizons`), by grade."""
    horizons = tuple(sorted(horizons))
    sums = [func.coalesce(func.sum(case((Membership.expires_on <= today + dt.timedelta(days=days), 1), else_=0)), 0)
            for days in horizons]
    counted = {
        row[0]: row[1:]
        for row in session.execute(
            select(Membership.grade_id, *sums)
            .where(and_(Membership.expires_on >= today,
                        Membership.expires_on <= today + dt.timedelta(days=horizons[-1])))
            .group_by(Membership.grade_id)
        ).all()
    }
    grades = session.execute(select(Grade.id, Grade.code, Grade.name_en, Grade.name_ar).order_by(Grade.rank)).all()
    return [
        GradeExpiring(code, name_en, name_ar,
                      dict(zip(horizons, (int(n) for n in counted.get(grade_id, (0,) * len(horizons))))))
        for grade_id, code, name_en, name_ar in grades
    ]


def payment_outcomes(session: Session, period: Period) -> list[PaymentOutcome]:
    """Payment attempts started in the period, by how they ended."""
    start, end = period.utc_bounds()
    rows = session.execute(
        select(Payment.status, func.count(Payment.id), func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.created_at >= start, Payment.created_at < end)
        .group_by(Payment.status)
        .order_by(func.count(Payment.id).desc(), Payment.status)
    ).all()
    return [PaymentOutcome(status, int(count), int(amount)) for status, count, amount in rows]
