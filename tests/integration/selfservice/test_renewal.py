"""Membership renewal through the web, with the seed's figures: Fourth grade, two years, RO 50."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.extensions import db
from models import Certificate, Membership, Notification, Payment, ServiceOrder

from .helpers import (
    DECLINE_CARD, choose_membership, confirm, counts, deliver, flat, pay_on_sandbox, post_form, prove_identity,
    text, without_nonces,
)

BASE = "/services/renewal"


def start_renewal(client, app):
    choose_membership(client, app, BASE, "1445820", "91868", "7324674")


def test_two_year_renewal_of_the_seed_membership(app, hashmi):
    start_renewal(hashmi, app)
    details = text(hashmi.get(f"{BASE}/details"))
    for shown in ("Al Hashmi Trading", "الهاشمي للتجارة", "1445820", "91868", "2018-03-19"):
        assert shown in details
    assert 'href="/services/renewal/membership"' in details  # Back

    period = flat(text(hashmi.get(f"{BASE}/period")))
    assert "2019-03-19" in period and "2019-09-19" in period and "2020-03-19" in period
    assert ("Portal currently supports payment only from local credit cards and internationally issued "
            "credit and debit cards.") in period or "بطاقات" in period

    response = post_form(hashmi, f"{BASE}/period", {"months": "24", "voucher_code": "", "step": "continue"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check")
    check_page = text(hashmi.get(f"{BASE}/check"))
    check = flat(check_page)
    assert "2020-03-19" in check
    assert re.search(r"RO 25 .*RO 25 .*RO 0 .*RO 50", check), check

    gateway_page = confirm(hashmi, BASE)
    assert gateway_page.status_code == 200, text(gateway_page)
    assert 'action="/sandbox-gateway/pay"' in text(gateway_page)
    assert 'name="amount" value="50.000"' in text(gateway_page)

    reply = pay_on_sandbox(hashmi, text(gateway_page))
    response = deliver(hashmi, reply)
    assert response.status_code == 303
    receipt_url = response.headers["Location"]
    receipt = text(hashmi.get(receipt_url))
    assert "REN-2018-" in receipt and "2020-03-19" in receipt

    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.occi_number == "91868"))
        assert membership.expires_on == dt.date(2020, 3, 19)
        order = db.session.scalar(select(ServiceOrder))
        assert order.status == "fulfilled" and order.total == 50_000 and order.period_months == 24
        assert [(l.kind, l.amount) for l in order.lines] == [("year_1", 25_000), ("year_2", 25_000), ("voucher", 0)]
        payment = db.session.scalar(select(Payment))
        assert payment.status == "accepted" and payment.amount == 50_000
        certificate = db.session.scalar(select(Certificate))
        assert certificate.order_id == order.id and certificate.expires_on == dt.date(2020, 3, 19)
        messages = list(db.session.scalars(select(Notification)))
        assert sorted(m.channel for m in messages) == ["email", "sms"]
        assert all(m.language == "ar" for m in messages)
        db.session.remove()


def _to_check(client, months: str, voucher: str = ""):
    response = post_form(client, f"{BASE}/period", {"months": months, "voucher_code": voucher, "step": "continue"})
    assert response.status_code == 302, text(response)


def test_a_refreshed_receipt_and_a_replayed_reply_show_the_same_receipt(app, hashmi):
    start_renewal(hashmi, app)
    _to_check(hashmi, "12")
    reply = pay_on_sandbox(hashmi, text(confirm(hashmi, BASE)))
    first = deliver(hashmi, reply)
    receipt_url = first.headers["Location"]
    receipt = text(hashmi.get(receipt_url))
    before = counts(app)
    again = deliver(hashmi, reply)  # the browser re-posts the reply (refresh)
    assert again.status_code == 303 and again.headers["Location"] == receipt_url
    assert without_nonces(text(hashmi.get(receipt_url))) == without_nonces(receipt)
    assert counts(app) == before
    with app.app_context():
        assert db.session.get(Membership, 1).expires_on == dt.date(2019, 3, 19)
        db.session.remove()


def test_a_declined_card_leaves_the_request_payable_and_try_again_pays_it(app, hashmi):
    start_renewal(hashmi, app)
    _to_check(hashmi, "12")
    reply = pay_on_sandbox(hashmi, text(confirm(hashmi, BASE)), card=DECLINE_CARD)
    receipt_url = deliver(hashmi, reply).headers["Location"]
    receipt = text(hashmi.get(receipt_url))
    assert 'id="payment-failed"' in receipt and 'id="try-again"' in receipt
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        assert order.status == "pending_payment"
        assert [p.status for p in order.payments] == ["declined"]
        assert db.session.get(Membership, 1).expires_on == dt.date(2018, 3, 19)
        reference = order.reference
        db.session.remove()

    page = text(hashmi.get(receipt_url))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    gateway_page = hashmi.post(f"/services/orders/{reference}/pay", data={"csrf_token": token})
    assert gateway_page.status_code == 200
    deliver(hashmi, pay_on_sandbox(hashmi, text(gateway_page)))
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        assert order.status == "fulfilled"
        assert [p.status for p in order.payments] == ["declined", "accepted"]
        assert db.session.get(Membership, 1).expires_on == dt.date(2019, 3, 19)
        db.session.remove()


def test_a_voucher_lowers_the_total(app, hashmi):
    start_renewal(hashmi, app)
    response = post_form(hashmi, f"{BASE}/period", {"months": "24", "voucher_code": "occi10", "step": "apply"})
    assert response.status_code == 200
    assert re.search(r"RO 25 .*RO 25 .*RO -5 .*RO 45", flat(text(response)))
    _to_check(hashmi, "24", "occi10")
    gateway_page = text(confirm(hashmi, BASE))
    assert 'name="amount" value="45.000"' in gateway_page
    deliver(hashmi, pay_on_sandbox(hashmi, gateway_page))
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        assert order.status == "fulfilled" and order.total == 45_000 and order.voucher.times_used == 1
        db.session.remove()


def test_an_unknown_voucher_is_refused_and_nothing_is_stored(app, hashmi):
    start_renewal(hashmi, app)
    before = counts(app)
    response = post_form(hashmi, f"{BASE}/period", {"months": "24", "voucher_code": "NOSUCH", "step": "continue"})
    assert response.status_code == 422
    assert "There is no voucher NOSUCH." in text(response)
    assert counts(app) == before


def test_one_open_request_per_membership_and_service(app, hashmi):
    start_renewal(hashmi, app)
    _to_check(hashmi, "24")
    page = text(hashmi.get(f"{BASE}/check"))
    first = confirm(hashmi, BASE)
    assert first.status_code == 200
    # The browser posts the confirmation again: placing the order ended the identity check.
    again = hashmi.post(f"{BASE}/check", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "fingerprint": re.search(r'name="fingerprint" value="([^"]+)"', page).group(1)})
    assert again.status_code == 302 and "SAMLRequest=" in again.headers["Location"]
    prove_identity(hashmi, app, f"{BASE}/check", "7324674")
    again = confirm(hashmi, BASE)  # the same answers: the same order, a new payment attempt
    assert again.status_code == 200
    with app.app_context():
        assert [o.status for o in db.session.scalars(select(ServiceOrder))] == ["pending_payment"]
        assert [p.status for p in db.session.scalars(select(Payment))] == ["pending", "pending"]
        reference = db.session.scalar(select(ServiceOrder.reference))
        db.session.remove()
    prove_identity(hashmi, app, f"{BASE}/period", "7324674")
    _to_check(hashmi, "12")  # changed answers while the first request is unpaid
    refused = confirm(hashmi, BASE)
    assert refused.status_code == 409
    assert f"There is already an unpaid request {reference}" in text(refused)
    assert f"/services/receipt/{reference}" in text(refused)
    with app.app_context():
        assert db.session.query(ServiceOrder).count() == 1
        db.session.remove()
