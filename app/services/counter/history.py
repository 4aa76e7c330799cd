"""The counter's part of a company's or member's history page: refunds and counter visits."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import CounterVisit, Refund


def counter_history(session: Session, order_ids: list[int], company_ids: list[int], limit: int):
    """(refunds, counter visits, audit entities to include) for these orders and companies, newest first."""
    refunds = list(session.scalars(select(Refund).where(Refund.order_id.in_(order_ids))
                                   .order_by(Refund.requested_at.desc(), Refund.id.desc()).limit(limit))) \
        if order_ids else []
    conditions = []
    if company_ids:
        conditions.append(CounterVisit.company_id.in_(company_ids))
    if order_ids:
        conditions.append(CounterVisit.order_id.in_(order_ids))
    visits = list(session.scalars(select(CounterVisit).where(or_(*conditions))
                                  .order_by(CounterVisit.checked_at.desc(), CounterVisit.id.desc()).limit(limit))) \
        if conditions else []
    return refunds, visits, {"refund": [r.id for r in refunds], "counter_visit": [v.id for v in visits]}
