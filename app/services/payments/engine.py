"""The payment engine: the one place where a payment's outcome moves an order.

Every way money reaches the chamber goes through here: the gateway's reply brought by the
member's browser and by the gateway's server-to-server notification (`apply_reply`), the
reconciliation job and the check made before a new checkout (`reconcile_order`), staff
decisions on held orders (`accept_held_order`, `cancel_held_order`), and payments taken by
other means (`settle_order`). Nothing here commits; the caller does.

Exactly once: the order's row is locked before an acceptance is applied, and every change
is conditional (`change_status`), so of several replies, jobs and clicks only one marks an
order paid; fulfilment starts with its own conditional change (paid -> fulfilled).

Never silent: an accepted payment beyond the one that settled its order is a *duplicate*
(status 'duplicate', audited, listed for staff to refund); an acceptance arriving after the
order closed unpaid is a *late payment* (audited, kept for staff). Attempts still pending
when their order settles are closed as 'superseded'; the gateway is still asked about them
until it answers, so a charge made on one of them surfaces as a duplicate.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.adapters.payments import (
    Decision, ExpectedPayment, GatewayConfigurationError, GatewayReply, PaymentGateway, ReplyMismatch,
    ensure_matches,
)
from app.infrastructure.transitions import change_status
from app.services.audit import trail as audit
from app.services.membership.fulfilment import fulfil
from app.services.membership.refusals import NotSettleable
from models import Payment, ServiceOrder

log = logging.getLogger("ghurfa.payments")

SETTLEABLE = ("pending_payment", "review")
SETTLED = ("paid", "fulfilled")
PAYMENT_STATUS = {
    Decision.ACCEPT: "accepted",
    Decision.REVIEW: "review",
    Decision.DECLINE: "declined",
    Decision.CANCEL: "cancelled",
    Decision.ERROR: "error",
}
# Attempts the gateway has not answered yet. 'expired' (the order closed unpaid) and
# 'superseded' (another attempt paid the order) are closed on our side only: the gateway
# may still report a charge on them.
UNANSWERED = ("pending", "expired", "superseded")
# Which recorded payment statuses a reply may still change; a held one ('review') may be decided later.
_REPLACEABLE = {
    Decision.ACCEPT: (*UNANSWERED, "review"),
    Decision.REVIEW: UNANSWERED,
    Decision.DECLINE: (*UNANSWERED, "review"),
    Decision.CANCEL: UNANSWERED,
    Decision.ERROR: UNANSWERED,
}
# What reconciling one order came to, most telling first (the job counts these).
OUTCOMES = ("settled", "duplicate", "late_payment", "expired", "review", "declined", "mismatch",
            "no_answer_yet")


@dataclass(frozen=True)
class ReplyOutcome:
    reference: str
    decision: Decision
    recorded: bool  # this reply changed the payment (False: a repeat of a reply already handled)
    settled: bool  # this reply marked the order paid
    flag: str | None = None  # 'duplicate' or 'late_payment' when the acceptance did not settle the order


def expected_payment(payment: Payment) -> ExpectedPayment:
    return ExpectedPayment(payment.order.reference, payment.transaction_uuid, payment.amount, payment.currency)


def deadline(order: ServiceOrder, ttl: dt.timedelta | None = None) -> dt.datetime | None:
    """When an unpaid order closes: its own expiry, or (for an order without one) `ttl` after it was placed."""
    if order.expires_at is not None:
        return order.expires_at
    return order.created_at + ttl if ttl is not None and order.created_at is not None else None


def is_stale(order: ServiceOrder, now: dt.datetime, ttl: dt.timedelta | None = None) -> bool:
    """Unpaid past its time to live (a request held for review never goes stale)."""
    closes = deadline(order, ttl)
    return order.status == "pending_payment" and closes is not None and closes <= now


def lock_order(session: Session, order: ServiceOrder) -> None:
    """Takes the order's row lock for this transaction (PostgreSQL; SQLite serialises writers anyway)."""
    session.execute(select(ServiceOrder.id).where(ServiceOrder.id == order.id).with_for_update())


def unanswered_attempts(session: Session, order: ServiceOrder) -> list[Payment]:
    """The order's attempts the gateway has not given a final answer about, oldest first."""
    return list(session.scalars(
        select(Payment).where(Payment.order_id == order.id, awaiting_answer()).order_by(Payment.id)
    ))


def awaiting_answer():
    """SQL condition: a payment the gateway may still decide (no reply yet, or held for review)."""
    return or_(and_(Payment.status.in_(UNANSWERED), Payment.decision.is_(None)), Payment.status == "review")


# --- settling ----------------------------------------------------------------------------------

def settle_order(session: Session, order: ServiceOrder, payment: Payment | None, *, now: dt.datetime,
                 today: dt.date, allowed: tuple[str, ...] = SETTLEABLE) -> bool:
    """Marks the order paid by `payment` and carries it out, once (no commit); False if it was not payable.

    `payment` is the accepted payment that pays the order (None for a free order). Other
    attempts still pending are closed as superseded. If carrying the order out fails, the
    order stays paid for staff to complete (`accept_held_order`).
    """
    lock_order(session, order)
    if not change_status(session, order, allowed, "paid", paid_at=now):
        return False
    others = select(Payment).where(Payment.order_id == order.id, Payment.status == "pending")
    if payment is not None:
        others = others.where(Payment.id != payment.id)
    for other in session.scalars(others).all():
        change_status(session, other, ("pending",), "superseded")
    audit.record(session, "settle", "service_order", str(order.id), {
        "reference": order.reference, "amount": order.total,
        "payment": payment.transaction_uuid if payment is not None else None,
        "gateway": payment.gateway if payment is not None else None,
    })
    fulfil_paid_order(session, order, now=now, today=today)
    return True


def fulfil_paid_order(session: Session, order: ServiceOrder, *, now: dt.datetime, today: dt.date) -> bool:
    """Carries out a paid order in a savepoint (no commit); on failure it stays paid and False is returned."""
    try:
        with session.begin_nested():
            return fulfil(session, order, today=today, now=now)
    except Exception:
        log.exception("order %s: paid, but carrying it out failed; left paid for staff", order.reference)
        session.expire(order)
        return False


def _flag_acceptance(session: Session, order: ServiceOrder, payment: Payment) -> str:
    """An accepted payment that did not settle its order: a duplicate, or a payment after it closed."""
    other_accepted = session.scalar(select(Payment.id).where(
        Payment.order_id == order.id, Payment.id != payment.id, Payment.status == "accepted").limit(1))
    details = {"reference": order.reference, "order_status": order.status, "payment": payment.transaction_uuid,
               "amount": payment.amount, "gateway_transaction_id": payment.gateway_transaction_id}
    if order.status in SETTLED or other_accepted is not None:
        change_status(session, payment, ("accepted",), "duplicate")
        audit.record(session, "duplicate_payment", "payment", str(payment.id), details)
        log.error("order %s was charged again (%s): duplicate payment to refund", order.reference,
                  payment.transaction_uuid)
        return "duplicate"
    audit.record(session, "late_payment", "service_order", str(order.id), details)
    log.warning("order %s was paid while %s; held for staff", order.reference, order.status)
    return "late_payment"


def apply_reply(session: Session, payment: Payment, reply: GatewayReply, *, now: dt.datetime,
                today: dt.date) -> ReplyOutcome:
    """Records a verified reply on its payment and moves the order accordingly (no commit)."""
    order = payment.order
    lock_order(session, order)  # the order's row before its payments': every path takes them in this order
    recorded = change_status(
        session, payment, _REPLACEABLE[reply.decision], PAYMENT_STATUS[reply.decision],
        decision=reply.decision.value, reason_code=reply.reason_code[:12], message=reply.message[:300],
        gateway_transaction_id=reply.transaction_id[:64] or None, reply_fields=dict(reply.safe_fields),
        replied_at=now,
    )
    settled, flag = False, None
    if recorded and reply.decision is Decision.ACCEPT:
        settled = settle_order(session, order, payment, now=now, today=today)
        if not settled:
            flag = _flag_acceptance(session, order, payment)
    elif recorded and reply.decision is Decision.REVIEW:
        change_status(session, order, ("pending_payment",), "review")
    elif recorded and order.status == "review" and not any(p.status == "review" for p in order.payments):
        # The held payment was refused after all: the request can be paid again.
        change_status(session, order, ("review",), "pending_payment")
    log.info("payment %s for %s: %s (recorded=%s, settled=%s, flag=%s)", payment.transaction_uuid,
             order.reference, reply.decision.value, recorded, settled, flag)
    return ReplyOutcome(order.reference, reply.decision, recorded, settled, flag)


# --- closing and reconciling ---------------------------------------------------------------------

def expire_order(session: Session, order: ServiceOrder) -> bool:
    """Closes an unpaid request whose time is up, with its pending attempts (no commit)."""
    if not change_status(session, order, ("pending_payment",), "expired"):
        return False
    for payment in session.scalars(select(Payment).where(Payment.order_id == order.id,
                                                         Payment.status == "pending")).all():
        change_status(session, payment, ("pending",), "expired")
    return True


def reconcile_order(session: Session, order: ServiceOrder, gateway: PaymentGateway | None, *, now: dt.datetime,
                    today: dt.date, ttl: dt.timedelta | None = None, expire: bool = True) -> str:
    """Asks the gateway about every attempt of the order it has not answered, applies each answer,
    then (with `expire`) expires the order if it is unpaid past its time. Returns the outcome (see
    OUTCOMES); no commit.

    GatewayQueryFailed (the gateway did not answer) propagates: an order whose payments could
    not be checked is never expired. Without a transaction search (GatewayConfigurationError)
    the attempts count as unanswered.
    """
    seen: set[str] = set()
    attempts = unanswered_attempts(session, order)
    if attempts and gateway is None:
        raise ValueError("reconciling payment attempts needs the gateway")
    for payment in attempts:
        try:
            reply = gateway.query(order.reference, payment.transaction_uuid)
        except GatewayConfigurationError as error:
            log.warning("cannot ask the gateway about %s: %s", order.reference, error)
            break
        if reply is None:
            continue
        try:
            ensure_matches(reply, expected_payment(payment))
        except ReplyMismatch as error:
            # Never settle on an answer about another sum or transaction: staff look at it.
            log.error("reconciling %s: the gateway's answer does not match (%s)", order.reference, error)
            seen.add("mismatch")
            continue
        outcome = apply_reply(session, payment, reply, now=now, today=today)
        if outcome.settled:
            seen.add("settled")
        elif outcome.flag:
            seen.add(outcome.flag)
        elif outcome.recorded:
            seen.add({Decision.REVIEW: "review"}.get(reply.decision, "declined"))
    session.expire(order)
    if expire and is_stale(order, now, ttl) and expire_order(session, order):
        seen.add("expired")
    return next((name for name in OUTCOMES if name in seen), "no_answer_yet")


# --- staff decisions -------------------------------------------------------------------------------

def accept_held_order(session: Session, order: ServiceOrder, *, now: dt.datetime, today: dt.date) -> None:
    """Staff accept a request held for review, or one paid after it had closed (no commit).

    An order already paid but not carried out (an earlier failure) is carried out.
    """
    lock_order(session, order)
    session.refresh(order)
    accepted = session.scalar(select(Payment).where(Payment.order_id == order.id, Payment.status == "accepted")
                              .order_by(Payment.id).limit(1))
    if order.status == "review":
        for payment in [p for p in order.payments if p.status == "review"]:
            change_status(session, payment, ("review",), "accepted", replied_at=now)
            accepted = accepted or payment
        ok = settle_order(session, order, accepted, now=now, today=today, allowed=("review",))
    elif order.status in ("expired", "cancelled") and accepted is not None:
        ok = settle_order(session, order, accepted, now=now, today=today, allowed=("expired", "cancelled"))
    elif order.status == "paid":
        ok = fulfil(session, order, today=today, now=now)
    else:
        ok = False
    if not ok:
        raise NotSettleable(reference=order.reference, status=order.status)


def cancel_held_order(session: Session, order: ServiceOrder) -> None:
    """Staff refuse a request held for review (no commit); the money is returned at the gateway."""
    lock_order(session, order)
    if not change_status(session, order, ("review",), "cancelled"):
        raise NotSettleable(reference=order.reference, status=order.status)
    for payment in [p for p in order.payments if p.status == "review"]:
        change_status(session, payment, ("review",), "cancelled", message="Refused by chamber staff")
