"""Payment reconciliation against the sandbox gateway: a paid order is settled once; abandoned ones expire."""
import datetime as dt
import uuid

from sqlalchemy import select

from app.adapters.payments import BillingDetails, CheckoutRequest
from app.extensions import db
from app.services.audit.trail import acting_as
from app.services.payments.engine import settle_order
from app.services.payments.gateway import payment_gateway
from jobs.scheduler import run_now
from models import AuditEntry, Payment, ServiceOrder
from tests.integration.helpers import make_user
from tests.integration.jobs.factories import make_company

NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone.utc)
BILLING = {"first_name": "Ali", "last_name": "Al Jahdami", "address": "Ruwi", "city": "Muscat", "country": "OM",
           "phone": "99416689", "email": "ali@example.om"}


def _order(app, reference: str, minutes_ago: int, amount: int = 25_000) -> tuple[int, str]:
    user_id = make_user(app, f"member-{reference.lower()}", "Member")
    with app.app_context():
        company = make_company(str(1000000 + int(reference[-3:])))
        stamp = (NOW - dt.timedelta(minutes=minutes_ago)).replace(tzinfo=None)
        order = ServiceOrder(reference=reference, service="renewal", status="pending_payment", user_id=user_id,
                             company_id=company.id, quoted_on=NOW.date(), total=amount, currency="OMR",
                             details={}, created_at=stamp, updated_at=stamp)
        db.session.add(order)
        db.session.flush()
        transaction_uuid = str(uuid.uuid4())
        db.session.add(Payment(order_id=order.id, gateway="sandbox", transaction_uuid=transaction_uuid,
                               amount=amount, currency="OMR", status="pending", created_at=stamp, updated_at=stamp))
        db.session.commit()
        return order.id, transaction_uuid


def _pay(app, reference: str, transaction_uuid: str, card: str, amount: int = 25_000) -> None:
    """The member pays on the sandbox's hosted page, but the reply never reaches the portal."""
    gateway = payment_gateway(app)
    _, fields = gateway.checkout_form(CheckoutRequest(
        reference_number=reference, transaction_uuid=transaction_uuid, amount_baisa=amount, currency="OMR",
        locale="en", billing=BillingDetails(**{k: v for k, v in BILLING.items()}),
        receipt_url="http://127.0.0.1:5000/payments/receipt"))
    checkout_id = gateway.open_checkout(fields)
    gateway.save_billing(checkout_id, BILLING)
    gateway.save_payment(checkout_id, "001", card, "123", "12", "2035")
    gateway.confirm(checkout_id)


def _status(app, order_id):
    with app.app_context():
        order = db.session.get(ServiceOrder, order_id)
        return order.status, [p.status for p in order.payments]


def test_a_paid_order_is_settled_once(app):
    app.config["CLOCK_NOW"] = NOW
    order_id, transaction_uuid = _order(app, "REN-2026-000101", minutes_ago=45)
    _pay(app, "REN-2026-000101", transaction_uuid, "4111111111111111")
    result = run_now(app, "reconcile_payments")
    assert result.status == "ok" and result.counts == {"orders": 1, "settled": 1}
    assert _status(app, order_id) == ("paid", ["accepted"])
    # A second run finds nothing to do; a late settlement attempt (the browser's reply) changes nothing.
    assert run_now(app, "reconcile_payments").counts == {"orders": 0}
    with app.app_context():
        order = db.session.get(ServiceOrder, order_id)
        assert settle_order(db.session, order, order.payments[0], now=NOW.replace(tzinfo=None),
                            today=NOW.date()) is False
        db.session.commit()
        assert order.paid_at == NOW.replace(tzinfo=None)
        payment = order.payments[0]
        assert (payment.decision, payment.reason_code) == ("ACCEPT", "100") and payment.gateway_transaction_id
        settles = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "settle")).all()
        assert [(e.entity, e.entity_id, e.actor) for e in settles] == [
            ("service_order", str(order_id), "job:reconcile_payments")]


def test_a_recent_order_is_left_alone(app):
    app.config["CLOCK_NOW"] = NOW
    order_id, transaction_uuid = _order(app, "REN-2026-000102", minutes_ago=5)
    _pay(app, "REN-2026-000102", transaction_uuid, "4111111111111111")
    assert run_now(app, "reconcile_payments").counts == {"orders": 0}
    assert _status(app, order_id) == ("pending_payment", ["pending"])


def test_a_declined_payment_keeps_the_order_open_until_it_expires(app):
    app.config["CLOCK_NOW"] = NOW
    order_id, transaction_uuid = _order(app, "REN-2026-000103", minutes_ago=40)
    _pay(app, "REN-2026-000103", transaction_uuid, "4000000000000002")
    assert run_now(app, "reconcile_payments").counts == {"orders": 1, "declined": 1}
    assert _status(app, order_id) == ("pending_payment", ["declined"])
    app.config["CLOCK_NOW"] = NOW + dt.timedelta(minutes=30)  # past the order's 60 minutes
    assert run_now(app, "reconcile_payments").counts == {"orders": 1, "expired": 1}
    assert _status(app, order_id) == ("expired", ["declined"])


def test_an_abandoned_checkout_expires(app):
    app.config["CLOCK_NOW"] = NOW
    order_id, _ = _order(app, "REN-2026-000104", minutes_ago=40)
    assert run_now(app, "reconcile_payments").counts == {"orders": 1, "no_answer_yet": 1}
    assert _status(app, order_id) == ("pending_payment", ["pending"])
    app.config["CLOCK_NOW"] = NOW + dt.timedelta(minutes=25)
    assert run_now(app, "reconcile_payments").counts == {"orders": 1, "expired": 1}
    assert _status(app, order_id) == ("expired", ["expired"])


def test_an_answer_for_another_amount_is_never_settled(app):
    app.config["CLOCK_NOW"] = NOW
    order_id, transaction_uuid = _order(app, "REN-2026-000105", minutes_ago=45, amount=25_000)
    _pay(app, "REN-2026-000105", transaction_uuid, "4111111111111111", amount=1_000)
    assert run_now(app, "reconcile_payments").counts == {"orders": 1, "mismatch": 1}
    assert _status(app, order_id) == ("pending_payment", ["pending"])


def test_zero_minutes_means_at_once(app):
    app.config["CLOCK_NOW"] = NOW
    order_id, transaction_uuid = _order(app, "REN-2026-000107", minutes_ago=0)
    _pay(app, "REN-2026-000107", transaction_uuid, "4111111111111111")
    saved, app.config["RECONCILE_AFTER_MINUTES"] = app.config["RECONCILE_AFTER_MINUTES"], 0
    try:
        assert run_now(app, "reconcile_payments").counts == {"orders": 1, "settled": 1}
    finally:
        app.config["RECONCILE_AFTER_MINUTES"] = saved
    assert _status(app, order_id) == ("paid", ["accepted"])


def test_a_card_charge_after_the_order_was_paid_by_other_means_is_a_duplicate(app):
    app.config["CLOCK_NOW"] = NOW
    order_id, transaction_uuid = _order(app, "REN-2026-000106", minutes_ago=45)
    with app.app_context(), acting_as("test:counter"):
        order = db.session.get(ServiceOrder, order_id)
        assert settle_order(db.session, order, None, now=NOW.replace(tzinfo=None), today=NOW.date()) is True
        db.session.commit()
    # The open attempt is closed on our side, but the gateway is still asked about it.
    assert _status(app, order_id) == ("paid", ["superseded"])
    assert run_now(app, "reconcile_payments").counts == {"orders": 1, "no_answer_yet": 1}
    _pay(app, "REN-2026-000106", transaction_uuid, "4111111111111111")  # the member also paid by card
    assert run_now(app, "reconcile_payments").counts == {"orders": 1, "duplicate": 1}
    assert _status(app, order_id) == ("paid", ["duplicate"])
    assert run_now(app, "reconcile_payments").counts == {"orders": 0}
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "duplicate_payment"))
        assert entry.after["reference"] == "REN-2026-000106" and entry.actor == "job:reconcile_payments"
        db.session.remove()
