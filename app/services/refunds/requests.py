"""Asking for a refund (full, of chosen fee lines, or of a charge taken twice, with a reason) and rejecting
one; who may decide."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.messages import N_
from app.domain.money import format_omr
from app.infrastructure.counters import allocate_reference_number
from app.infrastructure.transitions import change_status
from app.services.membership.refusals import ServiceRefusal
from models import Payment, Refund, ServiceOrder

REFUNDABLE_ORDER_STATUSES = ("paid", "fulfilled")
# Refunds that hold (or will hold) money: what is left to refund excludes them.
COUNTED_STATUSES = ("requested", "approved", "pending_gateway", "refunded")
DUPLICATE = "duplicate"


class NothingToRefund(ServiceRefusal):
    message_id = N_("Request %(reference)s has no settled payment to refund.")


class RefundAlreadyOpen(ServiceRefusal):
    message_id = N_("A refund of request %(reference)s is already in progress.")


class RefundLinesInvalid(ServiceRefusal):
    message_id = N_("Choose one or more fee lines of the request to refund.")


class RefundExceedsPaid(ServiceRefusal):
    message_id = N_("The refund (%(amount)s) is more than is left to refund on this request (%(left)s).")


class DuplicateChargeNotRefundable(ServiceRefusal):
    message_id = N_("That charge was not taken twice, or it is already being paid back.")


class RefundReasonRequired(ServiceRefusal):
    message_id = N_("Give the reason for the refund.")


class FourEyes(ServiceRefusal):
    message_id = N_("You asked for this refund, so another administrator must decide on it.")


class RefundNotPending(ServiceRefusal):
    message_id = N_("Refund %(reference)s was already decided; nothing was changed.")


def settled_payment(order: ServiceOrder) -> Payment | None:
    """The accepted payment that settled the order (the first one accepted)."""
    accepted = [p for p in order.payments if p.status == "accepted"]
    return min(accepted, key=lambda p: p.id) if accepted else None


def left_to_refund(session: Session, order: ServiceOrder) -> int:
    """What the order's settling payment still holds (a charge taken twice is paid back on its own)."""
    taken = session.scalar(select(func.coalesce(func.sum(Refund.amount), 0))
                           .where(Refund.order_id == order.id, Refund.status.in_(COUNTED_STATUSES),
                                  Refund.scope != DUPLICATE))
    return order.total - int(taken or 0)


def duplicate_charges(session: Session, order: ServiceOrder) -> list[Payment]:
    """Payments the gateway accepted after another had paid the order, not yet being paid back."""
    refunded = set(session.scalars(select(Refund.payment_id).where(
        Refund.order_id == order.id, Refund.scope == DUPLICATE, Refund.status.in_(COUNTED_STATUSES))))
    return [p for p in order.payments if p.status == "duplicate" and p.id not in refunded]


def request_refund(session: Session, order: ServiceOrder, *, line_ids: list[int] | None, reason: str,
                   staff_id: int, staff_name: str, now: dt.datetime,
                   duplicate_payment_id: int | None = None) -> Refund:
    """Records a refund request (commits). `line_ids` None: the whole amount left; else those fee lines.

    With `duplicate_payment_id`, the request is for that charge taken twice, paid back whole; the
    service the order bought stays as it is.
    """
    reason = (reason or "").strip()[:500]
    if not reason:
        raise RefundReasonRequired()
    if session.scalar(select(Refund.id).where(Refund.order_id == order.id,
                                              Refund.status.in_(("requested", "approved", "pending_gateway")))):
        raise RefundAlreadyOpen(reference=order.reference)
    if duplicate_payment_id is not None:
        payment = next((p for p in duplicate_charges(session, order) if p.id == duplicate_payment_id), None)
        if payment is None:
            raise DuplicateChargeNotRefundable()
        return _record(session, order, payment, DUPLICATE, [], payment.amount, reason, staff_id, staff_name, now)
    payment = settled_payment(order)
    if order.status not in REFUNDABLE_ORDER_STATUSES or payment is None or order.total <= 0:
        raise NothingToRefund(reference=order.reference)
    left = left_to_refund(session, order)
    if line_ids is None:
        scope, chosen, amount = "full", [], left
    else:
        lines = {line.id: line for line in order.lines if line.amount > 0}
        chosen = sorted(set(line_ids))
        if not chosen or any(i not in lines for i in chosen):
            raise RefundLinesInvalid()
        scope, amount = "lines", sum(lines[i].amount for i in chosen)
        # A voucher discount is not paid back: chosen lines never refund more than was paid.
        amount = min(amount, order.total)
    if amount <= 0 or amount > left:
        raise RefundExceedsPaid(amount=format_omr(amount), left=format_omr(max(left, 0)))
    return _record(session, order, payment, scope, chosen, amount, reason, staff_id, staff_name, now)


def _record(session: Session, order: ServiceOrder, payment: Payment, scope: str, chosen: list[int], amount: int,
            reason: str, staff_id: int, staff_name: str, now: dt.datetime) -> Refund:
    refund = Refund(reference=f"RFD-{now.year}-{allocate_reference_number(session):06d}", order_id=order.id,
                    payment_id=payment.id, amount=amount, currency=order.currency, scope=scope, line_ids=chosen,
                    reason=reason, status="requested", requested_by_id=staff_id, requested_by=staff_name,
                    requested_at=now)
    session.add(refund)
    try:
        session.flush()
    except IntegrityError:
        # Another request for the same order at the same moment (uq_refund_open_per_order).
        session.rollback()
        raise RefundAlreadyOpen(reference=order.reference) from None
    session.commit()
    return refund


def check_four_eyes(refund: Refund, decider_id: int) -> None:
    if refund.requested_by_id == decider_id:
        raise FourEyes()


def reject_refund(session: Session, refund: Refund, *, admin_id: int, admin_name: str, note: str | None,
                  now: dt.datetime) -> None:
    """A second person refuses the refund (commits); nothing is paid back."""
    check_four_eyes(refund, admin_id)
    reference = refund.reference
    if not change_status(session, refund, ("requested",), "rejected", decided_by_id=admin_id,
                         decided_by=admin_name, decided_at=now, decision_note=(note or "").strip()[:300] or None):
        session.rollback()
        raise RefundNotPending(reference=reference)
    session.commit()


