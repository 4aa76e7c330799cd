"""Paying for a service request on the hosted page: checkout, the gateway's replies, settlement, reconciliation.

A reply arrives twice for one payment, at nearly the same time: the customer's browser
posts it to /payments/receipt and the gateway posts it to /payments/notify. Both go
through `handle_reply`; each state change is conditional (`change_status`), so exactly one
of them records the payment, marks the order paid and fulfils it. The amount charged is
the order's stored total, and the reply must carry that amount, that reference and that
attempt's transaction uuid, signed by the gateway, or nothing changes.

Decisions: ACCEPT settles and fulfils; REVIEW holds the order for staff ('review');
DECLINE, CANCEL and ERROR are recorded on the payment and the order stays payable.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.payments import (
    BillingDetails, CheckoutRequest, Decision, ExpectedPayment, GatewayConfigurationError, GatewayReply,
    PaymentGateway,
    ReplyError, ReplyMismatch, ensure_matches,
)
from app.extensions import db
from app.services.audit import trail as audit
from app.infrastructure.clock import now_utc, today as clock_today
from app.services.membership import vouchers as voucher_uses
from app.services.membership.fulfilment import fulfil
from app.services.payments.orders import expire_order, is_stale
from app.services.membership.refusals import NotSettleable, OrderExpired, OrderNotPayable
from app.infrastructure.transitions import change_status
from models import Payment, ServiceOrder
from models.base import utcnow

log = logging.getLogger("ghurfa.payments")

PAYMENT_STATUS = {
    Decision.ACCEPT: "accepted",
    Decision.REVIEW: "review",
    Decision.DECLINE: "declined",
    Decision.CANCEL: "cancelled",
    Decision.ERROR: "error",
}
# Which recorded payment statuses a reply may still change. A payment we gave up on
# ('expired') may still turn out accepted; a held one ('review') may be decided later.
_REPLACEABLE = {
    Decision.ACCEPT: ("pending", "expired", "review"),
    Decision.REVIEW: ("pending", "expired"),
    Decision.DECLINE: ("pending", "expired", "review"),
    Decision.CANCEL: ("pending", "expired"),
    Decision.ERROR: ("pending", "expired"),
}
SETTLEABLE = ("pending_payment", "review")


class UnknownPayment(ReplyError):
    message = _l("The payment reply does not belong to any payment request. No order was changed.")


@dataclass(frozen=True)
class ReplyOutcome:
    reference: str
    decision: Decision
    recorded: bool  # this reply changed the payment (False: a repeat of a reply already handled)
    settled: bool  # this reply marked the order paid and fulfilled it


def billing_for(member, user, company) -> BillingDetails:
    """The billing block prefilled from the member's account (the member may correct it there)."""
    governorate = company.governorate.name_en if company is not None and company.governorate else ""
    return BillingDetails(
        first_name=(member.first_name if member else user.first_name) or "",
        last_name=(member.family_name if member and member.family_name else user.last_name) or "",
        email=user.email or "",
        phone=(member.mobile if member else "") or "",
        address=(company.address if company is not None else "") or "",
        city=governorate,
        country=(member.country if member else "OM") or "OM",
    )


def start_checkout(session: Session, order: ServiceOrder, *, gateway: PaymentGateway, gateway_name: str,
                   billing: BillingDetails, locale: str, receipt_url: str, notify_url: str | None,
                   now: dt.datetime) -> tuple[str, dict[str, str]]:
    """A new payment attempt for `order` (committed) and the signed form that opens the hosted page."""
    if order.status != "pending_payment":
        raise OrderNotPayable(reference=order.reference)
    if is_stale(order, now):
        raise OrderExpired(reference=order.reference)
    attempt = CheckoutRequest(
        reference_number=order.reference, transaction_uuid=str(uuid.uuid4()), amount_baisa=order.total,
        currency=order.currency, locale=locale if locale in ("en", "ar") else "en", billing=billing,
        receipt_url=receipt_url, notify_url=notify_url, cancel_url=receipt_url,
    )
    # Signed before anything is stored: a request the gateway would refuse leaves no row.
    action_url, fields = gateway.checkout_form(attempt)
    session.add(Payment(order_id=order.id, gateway=gateway_name, transaction_uuid=attempt.transaction_uuid,
                        amount=order.total, currency=order.currency, status="pending"))
    session.commit()
    return action_url, fields


def expected_payment(payment: Payment) -> ExpectedPayment:
    return ExpectedPayment(payment.order.reference, payment.transaction_uuid, payment.amount, payment.currency)


def handle_reply(session: Session, form: Mapping[str, str], *, gateway: PaymentGateway, source: str,
                 now: dt.datetime | None = None, today: dt.date | None = None) -> ReplyOutcome:
    """Verifies a gateway reply and applies it exactly once (commits); ReplyError changes nothing."""
    now = now or now_utc(current_app.config)
    today = today or clock_today(current_app.config)
    transaction_uuid = form.get("req_transaction_uuid") or ""
    payment = session.scalar(select(Payment).where(Payment.transaction_uuid == transaction_uuid))
    if payment is None:
        log.warning("payment reply via %s for an unknown transaction", source)
        raise UnknownPayment(f"unknown transaction uuid {transaction_uuid[:64]!r}")
    try:
        reply = gateway.verify_reply(form, expected_payment(payment))
        if payment.amount != payment.order.total:
            raise ReplyMismatch("req_amount")
    except ReplyError as error:
        log.warning("payment reply via %s for %s refused: %s", source, payment.order.reference, error)
        session.rollback()
        raise
    actor = f"gateway:{payment.gateway}:{source}"
    try:
        with audit.acting_as(actor):
            outcome = apply_reply(session, payment, reply, now=now, today=today)
        session.commit()
    except Exception:
        # The money is taken even if carrying out the request failed: record the payment and
        # the paid order without the effect, so staff can complete it (accept_held_order).
        session.rollback()
        log.exception("fulfilling %s failed; the order is kept paid for staff", payment.order.reference)
        with audit.acting_as(actor):
            outcome = apply_reply(session, payment, reply, now=now, today=today, fulfil_now=False)
        session.commit()
    return outcome


def apply_reply(session: Session, payment: Payment, reply: GatewayReply, *, now: dt.datetime,
                today: dt.date, fulfil_now: bool = True) -> ReplyOutcome:
    """Records a verified reply on its payment and moves the order accordingly (no commit)."""
    order = payment.order
    reference = order.reference
    recorded = change_status(
        session, payment, _REPLACEABLE[reply.decision], PAYMENT_STATUS[reply.decision],
        decision=reply.decision.value, reason_code=reply.reason_code[:12], message=reply.message[:300],
        gateway_transaction_id=reply.transaction_id[:64], reply_fields=dict(reply.safe_fields),
        replied_at=now,
    )
    settled = False
    if recorded and reply.decision is Decision.ACCEPT:
        settled = settle(session, order, now=now, today=today, fulfil_now=fulfil_now)
        if not settled and order.status in ("expired", "cancelled"):
            # Paid after the request was closed: kept for staff to fulfil or refund.
            log.warning("order %s was paid while %s; held for staff", reference, order.status)
            audit.record(session, "late_payment", "service_order", str(order.id),
                         {"reference": reference, "status": order.status, "payment": payment.transaction_uuid})
    elif recorded and reply.decision is Decision.REVIEW:
        change_status(session, order, ("pending_payment",), "review")
    elif recorded and order.status == "review" and not any(p.status == "review" for p in order.payments):
        # The held payment was refused after all: the request can be paid again.
        change_status(session, order, ("review",), "pending_payment")
    log.info("payment %s for %s: %s (recorded=%s, settled=%s)", payment.transaction_uuid, reference,
             reply.decision.value, recorded, settled)
    return ReplyOutcome(reference, reply.decision, recorded, settled)


def settle(session: Session, order: ServiceOrder, *, now: dt.datetime, today: dt.date,
           allowed: tuple[str, ...] = SETTLEABLE, fulfil_now: bool = True) -> bool:
    """Marks the order paid and fulfils it, once (no commit); False if someone else did first."""
    if not change_status(session, order, allowed, "paid", paid_at=now):
        return False
    if fulfil_now:
        fulfil(session, order, today=today, now=now)
    return True


def _accepted_payment(order: ServiceOrder) -> Payment | None:
    return next((p for p in order.payments if p.status == "accepted"), None)


def accept_held_order(session: Session, order: ServiceOrder, *, now: dt.datetime, today: dt.date) -> None:
    """Staff accept a request held for review, or one paid after it had closed (commits).

    An order already paid but not fulfilled (an earlier failure) is fulfilled.
    """
    if order.status == "review":
        held = [p for p in order.payments if p.status == "review"]
        for payment in held:
            change_status(session, payment, ("review",), "accepted", replied_at=now)
        ok = settle(session, order, now=now, today=today, allowed=("review",))
    elif order.status in ("expired", "cancelled") and _accepted_payment(order) is not None:
        ok = settle(session, order, now=now, today=today, allowed=("expired", "cancelled"))
    elif order.status == "paid":
        ok = fulfil(session, order, today=today, now=now)
    else:
        ok = False
    if not ok:
        session.rollback()
        raise NotSettleable(reference=order.reference, status=order.status)
    session.commit()


def cancel_held_order(session: Session, order: ServiceOrder) -> None:
    """Staff refuse a request held for review (commits); the money is returned at the gateway."""
    if not change_status(session, order, ("review",), "cancelled"):
        session.rollback()
        raise NotSettleable(reference=order.reference, status=order.status)
    for payment in [p for p in order.payments if p.status == "review"]:
        change_status(session, payment, ("review",), "cancelled", message="Refused by chamber staff")
    voucher_uses.release(session, order, now=utcnow())
    session.commit()


def reconcile_order(order: ServiceOrder, gateway: PaymentGateway | None, *, session: Session | None = None,
                    now: dt.datetime | None = None, today: dt.date | None = None) -> str:
    """Asks the gateway what became of an open order's attempts, then settles or expires it once.

    Returns the order's status afterwards. Commits. GatewayQueryFailed (the gateway did not
    answer) propagates with nothing changed, so an order whose payment could not be checked
    is never expired.
    """
    session = session or db.session
    now = now or now_utc(current_app.config)
    today = today or clock_today(current_app.config)
    attempts = [p for p in order.payments if p.status in ("pending", "review")]
    if attempts and gateway is None:
        raise ValueError("reconciling payment attempts needs the gateway")
    for payment in sorted(attempts, key=lambda p: p.id, reverse=True):
        try:
            reply = gateway.query(order.reference, payment.transaction_uuid)
        except GatewayConfigurationError as error:
            # No way to ask (transaction search not set up): expire as if unanswered; a payment
            # that still arrives is kept for staff (see apply_reply).
            log.warning("cannot ask the gateway about %s: %s", order.reference, error)
            break
        if reply is None:
            continue
        try:
            ensure_matches(reply, expected_payment(payment))
        except ReplyMismatch as error:
            log.error("reconciling %s: the gateway's answer does not match: %s", order.reference, error)
            continue
        with audit.acting_as("job:reconcile"):
            apply_reply(session, payment, reply, now=now, today=today)
        session.expire(order)
    if is_stale(order, now):
        with audit.acting_as("job:reconcile"):
            if expire_order(session, order):
                for payment in [p for p in order.payments if p.status == "pending"]:
                    change_status(session, payment, ("pending",), "expired")
    session.commit()
    return order.status


def orders_to_reconcile(session: Session, *, now: dt.datetime, after_minutes: int) -> list[ServiceOrder]:
    """Open orders whose payment should have been answered by now, or whose time is up."""
    cutoff = now - dt.timedelta(minutes=after_minutes)
    return list(session.scalars(
        select(ServiceOrder).where(
            ServiceOrder.status.in_(SETTLEABLE),
            (ServiceOrder.created_at <= cutoff) | (ServiceOrder.expires_at <= now),
        ).order_by(ServiceOrder.id)
    ))
