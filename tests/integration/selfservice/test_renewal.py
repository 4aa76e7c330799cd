"""Membership renewal through the web, with the seed's figures: Fourth grade, two years, RO 50."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.extensions import db
from models import Certificate, Membership, Notification, Payment, ServiceOrder

from .helpers import (
    DECLINE_CARD, choose_membership, confirm, counts, deliver, flat, pay_on_sandbox, post_form, text,
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
