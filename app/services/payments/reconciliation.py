"""Payment reconciliation: orders left waiting for the gateway's answer are asked of the gateway, then
settled exactly once, held for review, or expired.

The member's browser normally brings the gateway's reply back at once; when it does not
(closed tab, lost connection), this job asks the gateway (`PaymentGateway.query`: the
sandbox answers from its ledger, CyberSource through its transaction search). Settling
is a conditional UPDATE (only an order still waiting for payment becomes paid), so the
job, a late browser reply and a second job run can never settle an order twice.
Fulfilment of a paid order (the renewal, the certificate) belongs to the order's service.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.adapters.payments import (
    Decision, ExpectedPayment, GatewayReply, PaymentGateway, PaymentGatewayError, ReplyMismatch, ensure_matches,
)
from app.services.audit.trail import append_entries, current_actor
from app.services.membership import vouchers as voucher_uses
from app.infrastructure.clock import now_utc
from models import Payment, ServiceOrder

log = logging.getLogger("ghurfa.reconciliation")

_PAYMENT_STATUS = {Decision.ACCEPT: "accepted", Decision.REVIEW: "review", Decision.DECLINE: "declined",
                   Decision.CANCEL: "cancelled", Decision.ERROR: "error"}


def reconcile_pending_orders(session: Session, config: Mapping, gateway: PaymentGateway) -> dict[str, int]:
    """Asks the gateway about every order whose payment has waited longer than RECONCILE_AFTER_MINUTES."""
    now = now_utc(config)
    cutoff = now - dt.timedelta(minutes=int(config.get("RECONCILE_AFTER_MINUTES") or 30))
    ttl = dt.timedelta(minutes=int(config.get("ORDER_TTL_MINUTES") or 60))
    order_ids = session.scalars(
        select(ServiceOrder.id).where(ServiceOrder.status == "pending_payment", ServiceOrder.updated_at <= cutoff)
        .order_by(ServiceOrder.id)
    ).all()
    counts: dict[str, int] = {"orders": len(order_ids)}
    for order_id in order_ids:
        order = session.get(ServiceOrder, order_id)
        try:
            outcome = reconcile_order(session, order, gateway, now, ttl)
        except PaymentGatewayError as exc:
            session.rollback()
            log.warning("order %s: the gateway could not be asked: %s", order.reference, exc)
            outcome = "query_failed"
        session.commit()
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def reconcile_order(session: Session, order: ServiceOrder, gateway: PaymentGateway, now: dt.datetime,
                    ttl: dt.timedelta) -> str:
    """Settles, holds or expires one order from what the gateway says (no commit); returns the outcome."""
    payment = session.scalar(select(Payment).where(Payment.order_id == order.id, Payment.status == "pending")
                             .order_by(Payment.id.desc()).limit(1))
    deadline = order.expires_at or (order.updated_at + ttl)
    reply = gateway.query(order.reference, payment.transaction_uuid) if payment is not None else None
    if reply is None:
        if now >= deadline:
            _expire(session, order, payment, now)
            return "expired"
        return "no_answer_yet"
    try:
        ensure_matches(reply, ExpectedPayment(order.reference, payment.transaction_uuid, payment.amount,
                                              payment.currency))
    except ReplyMismatch as exc:
        # Never settle on an answer about another sum or transaction: staff look at it.
        log.error("order %s: the gateway's answer does not match (%s); left for staff", order.reference, exc.field)
        return "mismatch"
    _record_reply(session, payment, reply, now)
    if reply.decision is Decision.ACCEPT:
        return "settled" if settle(session, order, payment, now) else "already_settled"
    if reply.decision is Decision.REVIEW:
        _move(session, order, {"status": "review"}, now, from_statuses=("pending_payment",))
        return "review"
    if now >= deadline:
        _expire(session, order, None, now)
        return "expired"
    return "declined"  # the member may try again while the order is open


def settle(session: Session, order: ServiceOrder, payment: Payment, now: dt.datetime) -> bool:
    """Marks the order paid if, and only if, it is still waiting for payment; True when this call did it.

    The paid order is then carried out (app.services.membership.fulfilment, exactly once); if that
    fails the order stays paid for staff to complete.
    """
    settled = _move(session, order, {"status": "paid", "paid_at": now}, now,
                    from_statuses=("pending_payment", "review"), action="settle")
    if settled:
        _fulfil_or_leave_paid(session, order, now)
    return settled


def _fulfil_or_leave_paid(session: Session, order: ServiceOrder, now: dt.datetime) -> None:
    from flask import current_app

    from app.infrastructure.clock import today
    from app.services.membership.fulfilment import fulfil

    try:
        with session.begin_nested():
            fulfil(session, order, today=today(current_app.config), now=now)
    except Exception:
        log.exception("order %s: paid, but carrying it out failed; left paid for staff", order.reference)
        session.expire(order)


def _record_reply(session: Session, payment: Payment, reply: GatewayReply, now: dt.datetime) -> None:
    session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status == "pending")
        .values(status=_PAYMENT_STATUS[reply.decision], decision=reply.decision.value, reason_code=reply.reason_code,
                message=(reply.message or "")[:300], gateway_transaction_id=reply.transaction_id or None,
                reply_fields=dict(reply.safe_fields), replied_at=now, updated_at=now))
    _audit(session, "payment", payment.id, "reconcile", {"status": "pending"},
           {"status": _PAYMENT_STATUS[reply.decision], "decision": reply.decision.value})


def _expire(session: Session, order: ServiceOrder, payment: Payment | None, now: dt.datetime) -> None:
    if payment is not None:
        session.execute(update(Payment).where(Payment.id == payment.id, Payment.status == "pending")
                        .values(status="expired", updated_at=now))
    if _move(session, order, {"status": "expired"}, now, from_statuses=("pending_payment",)):
        voucher_uses.release(session, order, now=now)


def _move(session: Session, order: ServiceOrder, values: dict, now: dt.datetime, *, from_statuses: tuple[str, ...],
          action: str = "reconcile") -> bool:
    # Conditional: whoever moves the order first wins; everyone else changes nothing.
    moved = session.execute(
        update(ServiceOrder).where(ServiceOrder.id == order.id, or_(*[ServiceOrder.status == s for s in from_statuses]))
        .values(**values, updated_at=now)
    ).rowcount == 1
    if moved:
        before = {"status": order.status}
        _audit(session, "service_order", order.id, action, before,
               {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in values.items()})
        session.expire(order)
    return moved


def _audit(session: Session, entity: str, entity_id: int, action: str, before: dict, after: dict) -> None:
    actor, user_id = current_actor()
    append_entries(session, [{"action": action, "entity": entity, "entity_id": str(entity_id),
                              "before": before, "after": after}], actor=actor, user_id=user_id)
