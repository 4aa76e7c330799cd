"""The same ACCEPT reply delivered to both endpoints at the same moment settles once."""
from __future__ import annotations

import datetime as dt
import re
import threading

from sqlalchemy import func, select

from app.extensions import db
from models import AuditEntry, Certificate, Membership, Notification, Payment, ServiceOrder

from tests.conftest import csrf_from

from .helpers import choose_membership, confirm, login_member, pay_on_sandbox, post_form, text

BASE = "/services/renewal"


def deliver_together(app, reply: dict) -> list[int]:
    """Posts the reply to /payments/receipt and /payments/notify from two threads released together."""
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(endpoint: str) -> None:
        client = app.test_client()  # no cookies: the gateway's posts carry no session
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(endpoint, data=reply).status_code)
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=post, args=(endpoint,)) for endpoint in ("/payments/receipt", "/payments/notify")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return sorted(statuses)


def test_a_double_delivery_extends_once_issues_one_certificate_and_one_email(app, hashmi):
    # Two rounds: a third renewal the same day would pay the membership three years ahead.
    expected = [dt.date(2019, 3, 19), dt.date(2020, 3, 19)]
    for round_number, new_expiry in enumerate(expected, start=1):
        choose_membership(hashmi, app, BASE, "1445820", "91868", "7324674")
        post_form(hashmi, f"{BASE}/period", {"months": "12", "voucher_code": "", "step": "continue"})
        reply = pay_on_sandbox(hashmi, text(confirm(hashmi, BASE)))
        assert deliver_together(app, reply) == [200, 303]
        with app.app_context():
            membership = db.session.scalar(select(Membership).where(Membership.occi_number == "91868"))
            assert membership.expires_on == new_expiry  # one year per round, never two
            assert db.session.scalar(select(func.count()).select_from(Certificate)) == round_number
            assert db.session.scalar(select(func.count()).select_from(Payment).where(
                Payment.status == "accepted")) == round_number
            emails = db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.channel == "email"))
            assert emails == round_number
            paid = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "service_order",
                                                               AuditEntry.action == "update")).all()
            assert sum(1 for entry in paid if (entry.after or {}).get("status") == "paid") == round_number
            assert db.session.scalar(select(func.count()).select_from(ServiceOrder).where(
                ServiceOrder.status == "fulfilled")) == round_number
            db.session.remove()
    choose_membership(hashmi, app, BASE, "1445820", "91868", "7324674")
    refused = hashmi.get(f"{BASE}/period")  # every period would pass the cap
    assert refused.status_code == 422
    assert "can be paid at most 24 months ahead" in text(refused)
    assert text(refused).count("disabled") >= 3


def test_two_confirmations_at_the_same_moment_place_one_order(app, seeded):
    """Two sessions of one member press Confirm together: the database lets one order through."""
    clients = []
    for _ in range(2):
        client = app.test_client()
        login_member(client, "iamsa@chamberoman.com")
        choose_membership(client, app, BASE, "1445820", "91868", "7324674")
        post_form(client, f"{BASE}/period", {"months": "12", "voucher_code": "", "step": "continue"})
        html = text(client.get(f"{BASE}/check"))
        data = {"csrf_token": csrf_from(html),
                "fingerprint": re.search(r'name="fingerprint" value="([^"]+)"', html).group(1)}
        clients.append((client, data))
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def press(client, data) -> None:
        barrier.wait(timeout=10)
        statuses.append(client.post(f"{BASE}/check", data=data).status_code)

    threads = [threading.Thread(target=press, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ServiceOrder)) == 1
        db.session.remove()
