"""The counter's daily cash-up: takings per staff member and payment method, printable and exportable;
closing a day locks it (a later correction is a new entry on the day it is made)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.messages import N_
from app.services.membership.refusals import ServiceRefusal
from models import CashEntry, CashUp, ServiceOrder
from models.counter_service import COUNTER_METHODS

_DAY_LOCK = 7_410_553_017  # with the day's ordinal: one advisory lock per counter day


class DayClosed(ServiceRefusal):
    message_id = N_("The cash-up of %(day)s is closed; nothing more can be recorded on it.")


@dataclass
class SheetRow:
    staff: str
    method: str
    count: int
    total: int


@dataclass
class CashSheet:
    day: dt.date
    rows: list[SheetRow] = field(default_factory=list)
    by_method: dict[str, int] = field(default_factory=dict)
    by_staff: dict[str, int] = field(default_factory=dict)
    total: int = 0
    entries: list = field(default_factory=list)
    closed: CashUp | None = None


def lock_day(session: Session, day: dt.date) -> None:
    """Serialises writers of one counter day on PostgreSQL (SQLite has a single writer anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DAY_LOCK + day.toordinal()})


def refuse_closed_day(session: Session, day: dt.date) -> None:
    if session.scalar(select(CashUp.id).where(CashUp.business_day == day)) is not None:
        raise DayClosed(day=day.isoformat())


def day_sheet(session: Session, day: dt.date) -> CashSheet:
    sheet = CashSheet(day=day, by_method={method: 0 for method in COUNTER_METHODS})
    for staff, method, count, total in session.execute(
        select(CashEntry.staff, CashEntry.method, func.count(CashEntry.id), func.sum(CashEntry.amount))
        .where(CashEntry.business_day == day).group_by(CashEntry.staff, CashEntry.method)
        .order_by(CashEntry.staff, CashEntry.method)
    ):
        sheet.rows.append(SheetRow(staff, method, count, int(total or 0)))
        sheet.by_method[method] += int(total or 0)
        sheet.by_staff[staff] = sheet.by_staff.get(staff, 0) + int(total or 0)
        sheet.total += int(total or 0)
    sheet.entries = list(session.execute(
        select(CashEntry, ServiceOrder.reference).join(ServiceOrder, ServiceOrder.id == CashEntry.order_id)
        .where(CashEntry.business_day == day).order_by(CashEntry.id)).all())
    sheet.closed = session.scalar(select(CashUp).where(CashUp.business_day == day))
    return sheet


def close_day(session: Session, day: dt.date, *, staff_id: int, staff_name: str, now: dt.datetime) -> CashUp:
    """Closes the day with its totals (commits); DayClosed if it already was."""
    lock_day(session, day)
    refuse_closed_day(session, day)
    cash_up = CashUp(business_day=day, closed_at=now, closed_by_id=staff_id, closed_by=staff_name, totals={})
    session.add(cash_up)
    try:
        session.flush()  # takes SQLite's write lock before the totals are read
    except IntegrityError:
        session.rollback()
        raise DayClosed(day=day.isoformat()) from None
    sheet = day_sheet(session, day)
    cash_up.totals = {"by_method": sheet.by_method, "by_staff": sheet.by_staff, "total": sheet.total,
                      "rows": [[r.staff, r.method, r.count, r.total] for r in sheet.rows]}
    session.commit()
    return cash_up


def _rials(baisa: int) -> str:
    sign = "-" if baisa < 0 else ""
    whole, rest = divmod(abs(baisa), 1000)
    return f"{sign}{whole}.{rest:03d}"


def sheet_csv(sheet: CashSheet, labels: dict[str, str], headings: list[str]) -> str:
    """The day's entries as CSV (UTF-8 with BOM so spreadsheet programs read Arabic), totals last."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headings)
    for entry, reference in sheet.entries:
        writer.writerow([sheet.day.isoformat(), entry.staff, labels.get(entry.method, entry.method), reference,
                         _rials(entry.amount)])
    for method, total in sheet.by_method.items():
        writer.writerow([sheet.day.isoformat(), "", labels.get(method, method), "", _rials(total)])
    writer.writerow([sheet.day.isoformat(), "", "", "", _rials(sheet.total)])
    return out.getvalue()
