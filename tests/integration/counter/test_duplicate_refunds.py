"""A card payment taken twice is paid back on its own, with four eyes, through the gateway that took it;
the service the member bought stays as it is, and the same charge is never paid back twice."""
from __future__ import annotations

import io
import uuid

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from jobs.scheduler import run_now
from models import Payment, Refund, ServiceOrder
from tests.conftest import csrf_from
from tests.integration.counter.fixtures import back_office, post
from tests.integration.jobs.test_reconcile import NOW, _order, _pay

REFERENCE = "REN-2026-000201"


def _charged_twice(app) -> tuple[int, int]:
    """An order the member paid on two browser tabs: one charge settles it, the other is a duplicate."""
    app.config["CLOCK_NOW"] = NOW
    order_id, first = _order(app, REFERENCE, minutes_ago=45)
    second = str(uuid.uuid4())
    with app.app_context():
        stamp = db.session.get(ServiceOrder, order_id).created_at
        db.session.add(Payment(order_id=order_id, gateway="sandbox", transaction_uuid=second, amount=25_000,
                               currency="OMR", status="pending", created_at=stamp, updated_at=stamp))
        db.session.commit()
    _pay(app, REFERENCE, first, "4111111111111111")
    _pay(app, REFERENCE, second, "4111111111111111")
    # One run asks about both attempts: the first answer settles the order, the second is a duplicate.
    assert run_now(app, "reconcile_payments").counts.get("settled") == 1
    with app.app_context():
        assert sorted(p.status for p in db.session.get(ServiceOrder, order_id).payments) == ["accepted", "duplicate"]
        duplicate = db.session.scalar(select(Payment).where(Payment.status == "duplicate"))
        db.session.remove()
        return order_id, duplicate.id


def _ask(client, order_id: int, payment_id: int):
    page = client.get(f"/refundview/request/{order_id}").get_data(as_text=True)
    return page, client.post(f"/refundview/request/{order_id}", data={
        "scope": "duplicate", "duplicate_payment": str(payment_id), "reason": "Charged twice on two tabs",
        "csrf_token": csrf_from(page)})


def test_a_duplicate_charge_is_paid_back_whole_and_the_service_stays(app):
    order_id, duplicate_id = _charged_twice(app)
    with app.app_context():
        status_before = db.session.get(ServiceOrder, order_id).status
    staff = back_office(app, "staff1", "Staff")
    page, response = _ask(staff, order_id, duplicate_id)
    assert "Card payments taken twice" in page and f'value="{duplicate_id}"' in page
    assert response.status_code == 302
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert (refund.scope, refund.amount, refund.payment_id, refund.status) == (
            "duplicate", 25_000, duplicate_id, "requested")
        refund_id = refund.id
    admin = back_office(app, "admin1", "Admin")
    assert post(app, admin, f"/refundview/approve/{refund_id}", {"payout_method": ""}).status_code == 302
    with app.app_context():
        refund = db.session.get(Refund, refund_id)
        order = db.session.get(ServiceOrder, order_id)
        assert refund.status == "refunded" and refund.method == "gateway" and refund.gateway_refund_id
        assert refund.rollback["undone"] is False
        assert order.status == status_before  # the service bought once stays bought
        db.session.remove()
    # The settling payment is still whole to refund; the duplicate cannot be paid back again.
    page = staff.get(f"/refundview/request/{order_id}").get_data(as_text=True)
    assert "Card payments taken twice" not in page and "25.000" in page
    _page, again = _ask(staff, order_id, duplicate_id)
    assert "was not taken twice, or it is already being paid back" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Refund).count() == 1
    note = admin.get(f"/refundview/credit-note/{refund_id}.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(note.data)).pages)
    assert "Card payment taken twice" in text and "25.000 OMR" in text


def test_a_settling_payment_cannot_be_refunded_as_a_duplicate(app):
    order_id, duplicate_id = _charged_twice(app)
    with app.app_context():
        settling = db.session.scalar(select(Payment.id).where(Payment.order_id == order_id,
                                                               Payment.status == "accepted"))
    staff = back_office(app, "staff1", "Staff")
    _page, response = _ask(staff, order_id, settling)
    assert "was not taken twice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Refund).count() == 0
