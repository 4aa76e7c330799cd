"""Paying a refund back, once: approval by a second person, then the gateway that took the payment
(or cash / bank transfer for a counter payment), the service undone, a credit note, an email and an SMS.

Exactly once, step by step:
- approval is a conditional change requested -> approved, committed before any money moves,
  so of two admins approving at the same moment one wins and the other is told it was decided;
- each gateway attempt is counted and committed before the call; a retry (the reconciliation
  job) first asks the gateway whether a refund with this reference already went through, so an
  attempt whose answer was lost is never sent again;
- completion is the conditional change approved/pending_gateway -> refunded, and everything it
  entails (cash entry, rollback, credit note number, messages) is written in that transaction.
A failure or timeout at the gateway leaves the refund "pending_gateway" with the error, for the job.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.adapters.payments import (
    GatewayConfigurationError, GatewayQueryFailed, PaymentGateway, PaymentGatewayError, RefundFailed,
    RefundRefused, RefundRequest,
)
from app.domain.messages import N_
from app.domain.money import format_omr
from app.infrastructure.transitions import change_status
from app.services.counter.cash_up import lock_day, refuse_closed_day
from app.domain.labels import SERVICES as SERVICE_LABELS
from app.services.membership.fulfilment import Translated
from app.domain.messages import Message
from app.services.membership.refusals import ServiceRefusal
from app.services.notifications.outbox import queue_message
from app.services.refunds.requests import RefundNotPending, check_four_eyes
from app.services.refunds.rollback import undo_service
from models import CashEntry, Refund

log = logging.getLogger("ghurfa.refunds")

PAYOUT_METHODS = ("cash", "transfer")
COUNTER = "counter"

GatewayFor = Callable[[str], PaymentGateway]


class PayoutDetailsMissing(ServiceRefusal):
    message_id = N_("Choose how the counter payment is paid back: in cash, or by bank transfer with its reference.")


def approve_refund(session: Session, refund: Refund, *, admin_id: int, admin_name: str, now: dt.datetime,
                   today: dt.date, gateway_for: GatewayFor, payout_method: str | None = None,
                   payout_reference: str | None = None, note: str | None = None) -> str:
    """A second person approves and the refund is paid back (commits); the refund's status afterwards."""
    check_four_eyes(refund, admin_id)
    reference = refund.reference
    counter = refund.payment.gateway == COUNTER
    payout_reference = (payout_reference or "").strip()[:60] or None
    if counter:
        if payout_method not in PAYOUT_METHODS or (payout_method == "transfer" and not payout_reference):
            raise PayoutDetailsMissing()
        refuse_closed_day(session, today)
    method = payout_method if counter else "gateway"
    if not change_status(session, refund, ("requested",), "approved", decided_by_id=admin_id,
                         decided_by=admin_name, decided_at=now, method=method,
                         payout_reference=payout_reference if counter else None,
                         decision_note=(note or "").strip()[:300] or None):
        session.rollback()
        raise RefundNotPending(reference=reference)
    session.commit()
    log.info("refund %s approved by %s (%s)", reference, admin_name, method)
    if counter:
        lock_day(session, today)
        complete_refund(session, refund, now=now, today=today, cash_staff=(admin_id, admin_name))
        session.commit()
        return refund.status
    return send_to_gateway(session, refund, gateway_for, now=now, today=today)


def send_to_gateway(session: Session, refund: Refund, gateway_for: GatewayFor, *, now: dt.datetime,
                    today: dt.date) -> str:
    """One attempt at the gateway for an approved or pending refund (commits); its status afterwards."""
    payment = refund.payment
    try:
        gateway = gateway_for(payment.gateway)
        if refund.attempts > 0:
            # An earlier attempt may have gone through with its answer lost: ask before sending again.
            found = gateway.find_refund(refund.reference)
            if found is not None:
                complete_refund(session, refund, now=now, today=today, gateway_refund_id=found.refund_id)
                session.commit()
                return refund.status
    except (GatewayQueryFailed, GatewayConfigurationError, RefundFailed) as error:
        return _pending(session, refund, error, now)
    if not change_status(session, refund, ("approved", "pending_gateway"), refund.status,
                         attempts=refund.attempts + 1, last_attempt_at=now):
        session.rollback()
        return refund.status
    session.commit()
    request = RefundRequest(refund_reference=refund.reference, order_reference=refund.order.reference,
                            transaction_uuid=payment.transaction_uuid,
                            gateway_transaction_id=payment.gateway_transaction_id or "",
                            amount_baisa=refund.amount, currency=refund.currency)
    try:
        result = gateway.refund(request)
    except RefundRefused as error:
        log.warning("refund %s refused by the gateway: %s", refund.reference, error)
        change_status(session, refund, ("approved", "pending_gateway"), "failed", last_error=str(error)[:300])
        session.commit()
        return "failed"
    except PaymentGatewayError as error:
        return _pending(session, refund, error, now)
    complete_refund(session, refund, now=now, today=today, gateway_refund_id=result.refund_id)
    session.commit()
    return refund.status


def _pending(session: Session, refund: Refund, error: Exception, now: dt.datetime) -> str:
    log.warning("refund %s pending at the gateway: %s", refund.reference, error)
    session.rollback()
    change_status(session, refund, ("approved", "pending_gateway"), "pending_gateway",
                  last_error=str(error)[:300], last_attempt_at=now)
    session.commit()
    return "pending_gateway"


def complete_refund(session: Session, refund: Refund, *, now: dt.datetime, today: dt.date,
                    gateway_refund_id: str | None = None, cash_staff: tuple[int, str] | None = None) -> bool:
    """Marks the refund paid back and does what follows from it, once (no commit); False if already done."""
    number = f"CN-{refund.reference.split('-', 1)[1]}"
    if not change_status(session, refund, ("approved", "pending_gateway"), "refunded", refunded_at=now,
                         gateway_refund_id=(gateway_refund_id or None), credit_note_number=number,
                         last_error=None):
        return False
    if cash_staff is not None:
        # Money paid back at the counter: a negative line of today's cash-up.
        staff_id, staff_name = cash_staff
        session.add(CashEntry(business_day=today, staff_id=staff_id, staff=staff_name, method=refund.method,
                              amount=-refund.amount, order_id=refund.order_id, refund_id=refund.id, created_at=now))
    refund.rollback = undo_service(session, refund, today=today, now=now)
    session.flush()
    _queue_messages(session, refund)
    log.info("refund %s paid back (%s baisa)", refund.reference, refund.amount)
    return True


def _queue_messages(session: Session, refund: Refund) -> None:
    order = refund.order
    contact = (order.details or {}).get("contact")
    if contact:
        email, mobile, language, name = contact["email"], contact["mobile"], contact["language"], contact["name"]
    else:
        from app.services.accounts.members import member_of

        member = member_of(session, order.user_id)
        email = order.user.email
        mobile = member.mobile if member else None
        language = member.language if member else "en"
        name = member.full_name if member else order.user.first_name
    queue_message(session, template="refund_issued", language=language, context={
        "name": name, "reference": order.reference, "refund": refund.reference,
        "service": Translated(Message(SERVICE_LABELS[order.service])), "amount": format_omr(refund.amount),
        "credit_note": refund.credit_note_number,
    }, email=email, mobile=mobile, user_id=order.user_id, dedupe_key=f"refund:{refund.reference}:refunded")


def gateway_factory(config: Mapping, gateway: PaymentGateway) -> GatewayFor:
    """The gateway that took a payment, by the name recorded on it: the app's gateway, if it is that one."""
    from app.services.payments.gateway import gateway_name

    def gateway_for(name: str) -> PaymentGateway:
        configured = gateway_name(config)
        if name != configured:
            raise GatewayConfigurationError(f"the payment was taken by {name}, but {configured} is configured")
        return gateway

    return gateway_for


def refunds_to_retry(session: Session, *, now: dt.datetime, after_minutes: int) -> list[Refund]:
    """Pending at the gateway, or approved but left unfinished (an attempt cut short) for a while."""
    cutoff = now - dt.timedelta(minutes=after_minutes)
    return list(session.scalars(select(Refund).where(or_(
        Refund.status == "pending_gateway",
        (Refund.status == "approved") & (Refund.method == "gateway")
        & ((Refund.last_attempt_at.is_(None) & (Refund.decided_at <= cutoff)) | (Refund.last_attempt_at <= cutoff)),
    )).order_by(Refund.id)))


def retry_pending_refunds(session: Session, config: Mapping, gateway_for: GatewayFor, *, now: dt.datetime,
                          today: dt.date) -> dict[str, int]:
    """The reconciliation job's part: each refund pending at the gateway tried again (commits per refund)."""
    counts = {"refunds_retried": 0, "refunds_done": 0, "refunds_still_pending": 0}
    after = int(config.get("RECONCILE_AFTER_MINUTES") or 0)
    for refund in refunds_to_retry(session, now=now, after_minutes=after):
        counts["refunds_retried"] += 1
        status = send_to_gateway(session, refund, gateway_for, now=now, today=today)
        counts["refunds_done" if status == "refunded" else "refunds_still_pending"] += 1
    return counts
