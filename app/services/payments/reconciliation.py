"""Payment reconciliation: the job that asks the gateway about every payment attempt it has not
answered yet, and closes unpaid orders whose time is up.

The member's browser and the gateway's notification normally bring the reply at once; when
neither does (a closed tab, a lost connection, the database down for a moment), this job
asks the gateway (`PaymentGateway.query`: the sandbox answers from its ledger, CyberSource
through its transaction search). It looks at every unanswered attempt of every order,
settled ones included, from RECONCILE_AFTER_MINUTES after the attempt opened (0: at once)
until the gateway answers or PAYMENT_ANSWER_HOURS have passed. What an answer does to the
order is the payment engine's (app/services/payments/engine.py).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.adapters.payments import PaymentGateway, PaymentGatewayError
from app.infrastructure.clock import now_utc, today as clock_today
from app.services.settings import policies
from app.services.payments.engine import awaiting_answer, reconcile_order
from models import Payment, ServiceOrder

log = logging.getLogger("ghurfa.reconciliation")


def _minutes(config: Mapping, key: str, default: int) -> int:
    value = config.get(key)
    return default if value is None or value == "" else int(value)


def orders_to_reconcile(session: Session, *, now: dt.datetime, after_minutes: int, answer_hours: int,
                        ttl_minutes: int) -> list[int]:
    """Orders with an attempt the gateway should have answered by now, and unpaid orders whose time is up."""
    cutoff = now - dt.timedelta(minutes=after_minutes)
    horizon = now - dt.timedelta(hours=answer_hours)
    asked = select(Payment.order_id).where(awaiting_answer(), Payment.created_at <= cutoff,
                                           Payment.created_at >= horizon)
    stale = select(ServiceOrder.id).where(
        ServiceOrder.status == "pending_payment",
        or_(ServiceOrder.expires_at <= now,
            and_(ServiceOrder.expires_at.is_(None),
                 ServiceOrder.created_at <= now - dt.timedelta(minutes=ttl_minutes))))
    return sorted(set(session.scalars(asked).all()) | set(session.scalars(stale).all()))


def reconcile_payments(session: Session, config: Mapping, gateway: PaymentGateway) -> dict[str, int]:
    """Reconciles each order in turn (one commit per order); returns how many came to each outcome."""
    now = now_utc(config)
    today = clock_today(config)
    ttl_minutes = policies.order_ttl_minutes(config)
    order_ids = orders_to_reconcile(
        session, now=now, after_minutes=_minutes(config, "RECONCILE_AFTER_MINUTES", 30),
        answer_hours=_minutes(config, "PAYMENT_ANSWER_HOURS", 72), ttl_minutes=ttl_minutes)
    counts: dict[str, int] = {"orders": len(order_ids)}
    for order_id in order_ids:
        order = session.get(ServiceOrder, order_id)
        try:
            outcome = reconcile_order(session, order, gateway, now=now, today=today,
                                      ttl=dt.timedelta(minutes=ttl_minutes))
            session.commit()
        except PaymentGatewayError as exc:
            session.rollback()
            log.warning("order %s: the gateway could not be asked: %s", order.reference, exc)
            outcome = "query_failed"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
