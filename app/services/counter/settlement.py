"""Taking payment at the counter: cash, cheque, bank transfer or card terminal, settled exactly once.

The order is settled by the payment engine, like an online payment
(app/services/payments/engine.py: `settle_order`): of two staff pressing "Paid" for one order
at the same moment, one settles and fulfils it, the other is told it was already paid and
records nothing. The counter payment, its Payment row and the cash-up entry are written in
the settling transaction, so they exist exactly when the order was settled by this call.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.digits import to_ascii_digits
from app.domain.messages import N_
from app.services.counter.cash_up import lock_day, refuse_closed_day
from app.services.membership.refusals import ServiceRefusal
from app.services.payments.engine import settle_order
from models import CashEntry, CounterPayment, Payment, ServiceOrder
from models.counter_service import COUNTER_METHODS

COUNTER_GATEWAY = "counter"


class OrderNotPayableHere(ServiceRefusal):
    message_id = N_("Request %(reference)s is not waiting for payment (it may have been paid already); "
                    "nothing was recorded.")


class PaymentDetailsMissing(ServiceRefusal):
    message_id = N_("Fill in the payment details for the method chosen: a cheque needs its number and bank, "
                    "a transfer its reference, a card terminal payment its terminal reference.")


class CardDigitsRefused(ServiceRefusal):
    message_id = N_("Type at most the last four digits of the card, never the card number.")


@dataclass(frozen=True)
class CounterPaymentDetails:
    method: str
    cheque_number: str = ""
    bank: str = ""
    transfer_reference: str = ""
    terminal_reference: str = ""
    card_last4: str = ""

    def checked(self) -> "CounterPaymentDetails":
        """The details with spaces trimmed; a refusal when the method's fields are missing."""
        clean = {name: (getattr(self, name) or "").strip()[:80] for name in
                 ("cheque_number", "bank", "transfer_reference", "terminal_reference", "card_last4")}
        digits = re.sub(r"\s", "", to_ascii_digits(clean["card_last4"]))
        if digits and not re.fullmatch(r"[0-9]{4}", digits):
            raise CardDigitsRefused()
        clean["card_last4"] = digits
        needed = {"cash": (), "cheque": ("cheque_number", "bank"), "transfer": ("transfer_reference",),
                  "card_terminal": ("terminal_reference",)}
        if self.method not in COUNTER_METHODS or any(not clean[name] for name in needed[self.method]):
            raise PaymentDetailsMissing()
        keep = set(needed[self.method]) | ({"card_last4"} if self.method == "card_terminal" else set())
        return CounterPaymentDetails(self.method, **{name: (clean[name] if name in keep else "") for name in clean})


def take_payment(session: Session, order: ServiceOrder, details: CounterPaymentDetails, *, staff_id: int,
                 staff_name: str, now: dt.datetime, today: dt.date) -> CounterPayment:
    """Records a counter payment of the order's total and settles the order, once (commits)."""
    details = details.checked()
    if order.status != "pending_payment":
        raise OrderNotPayableHere(reference=order.reference)
    total, reference = order.total, order.reference
    payment = Payment(order_id=order.id, gateway=COUNTER_GATEWAY, transaction_uuid=str(uuid.uuid4()),
                      amount=total, currency="OMR", status="accepted", decision="ACCEPT", reason_code="counter",
                      message=details.method, replied_at=now, created_at=now)
    session.add(payment)
    session.flush()
    # The payment engine's exactly-once settle: it locks the order, marks it paid by this payment
    # and carries it out; False when another caller settled it first.
    if not settle_order(session, order, payment, now=now, today=today, allowed=("pending_payment",)):
        session.rollback()
        raise OrderNotPayableHere(reference=reference)
    # Checked while this transaction holds the order's row (and, on PostgreSQL, the day's lock),
    # so a day is never closed under a payment being written into it.
    lock_day(session, today)
    try:
        refuse_closed_day(session, today)
    except ServiceRefusal:
        session.rollback()
        raise
    counter = CounterPayment(
        payment_id=payment.id, order_id=order.id, method=details.method,
        cheque_number=details.cheque_number or None, bank=details.bank or None,
        transfer_reference=details.transfer_reference or None,
        terminal_reference=details.terminal_reference or None, card_last4=details.card_last4 or None,
        received_by_id=staff_id, received_by=staff_name, received_at=now, business_day=today,
        receipt_token=secrets.token_urlsafe(24))
    session.add(counter)
    session.flush()
    session.add(CashEntry(business_day=today, staff_id=staff_id, staff=staff_name, method=details.method,
                          amount=total, order_id=order.id, counter_payment_id=counter.id, created_at=now))
    session.commit()
    return counter
