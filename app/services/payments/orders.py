"""Service requests (orders): placed from a quote with its fee lines, one open per company and
service, cancelled by the member, expired after ORDER_TTL_MINUTES unpaid.

The amount an order asks for is fixed when it is placed (its lines and total) and never
re-priced; the payment attempts charge exactly that total. Settling, expiring and
reconciling an order belong to the payment engine (app/services/payments/engine.py), which
never needs this module.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.adapters.payments import GatewayQueryFailed, PaymentGateway
from app.infrastructure.counters import allocate_reference_number
from app.services.audit.trail import acting_as
from app.services.membership.quotes import RequestPlan
from app.services.membership.refusals import (
    OpenOrderExists,
    OpenOrderOfAnotherSignatory,
    OrderNotCancellable,
    PaymentBeingChecked,
    QuoteChanged,
)
from app.infrastructure.transitions import change_status
from app.services.payments.engine import is_stale, reconcile_order, settle_order
from models import OrderLine, ServiceOrder
from models.order import OPEN_STATUSES

log = logging.getLogger("ghurfa.orders")

REFERENCE_PREFIXES = {
    "new_membership": "NEW",
    "renewal": "REN",
    "replacement": "REP",
    "name_change": "NAM",
    "grade_change": "GRD",
}


def open_order(session: Session, company_id: int, service: str) -> ServiceOrder | None:
    return session.scalar(
        select(ServiceOrder).where(ServiceOrder.company_id == company_id, ServiceOrder.service == service,
                                   ServiceOrder.status.in_(OPEN_STATUSES))
    )


def new_reference(session: Session, service: str, on: dt.date) -> str:
    return f"{REFERENCE_PREFIXES[service]}-{on.year}-{allocate_reference_number(session):06d}"


def _refuse_open_order(existing: ServiceOrder, user_id: int) -> None:
    error = OpenOrderExists if existing.user_id == user_id else OpenOrderOfAnotherSignatory
    raise error(reference=existing.reference)


def place_order(session: Session, plan: RequestPlan, *, user_id: int, now: dt.datetime, ttl_minutes: int,
                gateway: PaymentGateway | None = None, seen_fingerprint: str | None = None) -> ServiceOrder:
    """Creates the order the member confirmed and commits it; a free order is fulfilled at once.

    `seen_fingerprint` is the plan's fingerprint as the member saw it: if the price or dates
    have moved since (a new day, a new schedule), QuoteChanged is raised. A stale unpaid
    order of the same company and service is first reconciled with `gateway` (it may have
    been paid after all: then the membership changed and QuoteChanged is raised, so the member
    sees the new state before paying anything) and expired; a live one refuses the new request.
    """
    if seen_fingerprint is not None and seen_fingerprint != plan.fingerprint:
        raise QuoteChanged()
    existing = open_order(session, plan.company.id, plan.service)
    if existing is not None and is_stale(existing, now):
        try:
            with acting_as("job:reconcile"):
                outcome = reconcile_order(session, existing, gateway, now=now, today=plan.quoted_on)
            session.commit()
        except GatewayQueryFailed:
            session.rollback()
            raise PaymentBeingChecked(reference=existing.reference) from None
        if outcome == "settled":
            raise QuoteChanged()
        existing = open_order(session, plan.company.id, plan.service)
    if existing is not None:
        _refuse_open_order(existing, user_id)

    order = ServiceOrder(
        reference=new_reference(session, plan.service, plan.quoted_on),
        service=plan.service,
        status="pending_payment",
        user_id=user_id,
        company_id=plan.company.id,
        membership_id=plan.membership.id if plan.membership is not None else None,
        fee_schedule_id=plan.schedule.id,
        voucher_id=plan.voucher.id if plan.voucher is not None else None,
        quoted_on=plan.quoted_on,
        period_months=plan.period_months,
        total=plan.quote.total,
        currency="OMR",
        details=dict(plan.details),
        expires_at=now + dt.timedelta(minutes=ttl_minutes),
    )
    order.lines = [OrderLine(position=i, kind=str(line.kind), amount=line.amount)
                   for i, line in enumerate(plan.quote.lines, start=1)]
    session.add(order)
    try:
        session.flush()
    except IntegrityError:
        # Another request for the same company and service was placed at the same moment.
        session.rollback()
        existing = open_order(session, plan.company.id, plan.service)
        if existing is None:
            raise
        _refuse_open_order(existing, user_id)

    if order.total == 0:
        settle_order(session, order, None, now=now, today=plan.quoted_on)
    session.commit()
    log.info("order %s placed: %s, %s baisa", order.reference, order.service, order.total)
    return order


def cancel_order(session: Session, order: ServiceOrder) -> None:
    """The member gives up an unpaid request (commits). A payment arriving later is kept for staff."""
    if not change_status(session, order, ("pending_payment",), "cancelled"):
        session.rollback()
        raise OrderNotCancellable(reference=order.reference)
    session.commit()


def member_order(session: Session, user_id: int, reference: str) -> ServiceOrder | None:
    """The order with this reference if this user placed it; None otherwise (never tell which)."""
    order = session.scalar(select(ServiceOrder).where(ServiceOrder.reference == reference))
    if order is None or order.user_id != user_id:
        return None
    return order
