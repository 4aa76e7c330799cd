"""Paying for a service request on the hosted page: the checkout, and the gateway's signed replies.

A reply arrives twice for one payment, at nearly the same time: the customer's browser
posts it to /payments/receipt and the gateway posts it to /payments/notify. Both go
through `handle_reply`, which verifies it and hands it to the payment engine
(app/services/payments/engine.py), so exactly one of them settles the order. The amount
charged is the order's stored total, and the reply must carry that amount, that reference
and that attempt's transaction uuid, signed by the gateway, or nothing changes.

Before a new attempt opens for an order that already has some, the gateway is asked about
each earlier one (`check_earlier_attempts`): an accepted one settles the order instead of
charging the member again.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.payments import (
    BillingDetails, CheckoutRequest, GatewayQueryFailed, PaymentGateway, ReplyError, ReplyMismatch,
)
from app.infrastructure.clock import now_utc, today as clock_today
from app.services.audit import trail as audit
from app.services.membership.refusals import OrderExpired, OrderNotPayable, PaymentBeingChecked
from app.services.payments.engine import (
    ReplyOutcome, apply_reply, expected_payment, is_stale, reconcile_order, unanswered_attempts,
)
from models import Payment, ServiceOrder

log = logging.getLogger("ghurfa.payments")


class UnknownPayment(ReplyError):
    message = _l("The payment reply does not belong to any payment request. No order was changed.")


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


def check_earlier_attempts(session: Session, order: ServiceOrder, gateway: PaymentGateway, *,
                           now: dt.datetime, today: dt.date) -> bool:
    """Asks the gateway about the order's unanswered attempts and applies the answers (commits).

    True when the gateway could be asked (or there was nothing to ask); False when it did
    not answer, in which case nothing changed and the member must not be offered to pay again.
    """
    if not unanswered_attempts(session, order):
        return True
    try:
        with audit.acting_as("gateway:query"):
            reconcile_order(session, order, gateway, now=now, today=today, expire=False)
        session.commit()
    except GatewayQueryFailed as error:
        session.rollback()
        log.warning("could not ask the gateway about the earlier attempts of %s: %s", order.reference, error)
        return False
    return True


def start_checkout(session: Session, order: ServiceOrder, *, gateway: PaymentGateway, gateway_name: str,
                   billing: BillingDetails, locale: str, receipt_url: str, notify_url: str | None,
                   now: dt.datetime, today: dt.date | None = None) -> tuple[str, dict[str, str]]:
    """A new payment attempt for `order` (committed) and the signed form that opens the hosted page.

    The gateway is first asked about the order's earlier attempts: if one was charged the
    order settles and OrderNotPayable is raised; if the gateway cannot be asked,
    PaymentBeingChecked.
    """
    today = today or clock_today(current_app.config)
    if order.status == "pending_payment" and not check_earlier_attempts(session, order, gateway, now=now,
                                                                        today=today):
        raise PaymentBeingChecked(reference=order.reference)
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
                        amount=order.total, currency=order.currency, status="pending", created_at=now))
    session.commit()
    return action_url, fields


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
    try:
        with audit.acting_as(f"gateway:{payment.gateway}:{source}"):
            outcome = apply_reply(session, payment, reply, now=now, today=today)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return outcome
