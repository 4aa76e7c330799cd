"""Payments held for review, decided by staff; orders reconciled with the gateway or expired unpaid."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.adapters.payments.signing import with_signature
from app.extensions import db
from app.services.payments.engine import reconcile_order
from app.services.payments.gateway import payment_gateway
from models import AuditEntry, Certificate, Membership, ServiceOrder
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user

from .helpers import choose_membership, confirm, deliver, pay_on_sandbox, post_form, text

BASE = "/services/renewal"


def checkout(client, app, months="12") -> str:
    choose_membership(client, app, BASE, "1445820", "91868", "7324674")
    post_form(client, f"{BASE}/period", {"months": months, "voucher_code": "", "step": "continue"})
    return text(confirm(client, BASE))


def as_review(app, reply: dict) -> dict:
    """The gateway's REVIEW verdict for this attempt (the sandbox only plays ACCEPT, DECLINE, CANCEL)."""
    fields = {k: v for k, v in reply.items() if k not in ("signature", "signed_field_names")}
    fields.update(decision="REVIEW", reason_code="480", message="The order is marked for review.")
    return with_signature(fields, app.config["SANDBOX_GATEWAY_SECRET"])


def state(app):
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder).order_by(ServiceOrder.id.desc()))
        result = (order.status, [p.status for p in order.payments],
                  db.session.scalar(select(Membership.expires_on).where(Membership.occi_number == "91868")), order.id)
        db.session.remove()
        return result


def staff_action(app, client, pk: int, name: str):
    """The action button on the order's page (a POST with the page's CSRF token)."""
    return client.post(f"/serviceorderview/action/{name}/{pk}", data={"csrf_token": csrf_for(client, app)})


def test_a_payment_held_for_review_waits_for_staff_who_accept_it(app, hashmi, client):
    reply = pay_on_sandbox(hashmi, checkout(hashmi, app))
    receipt_url = deliver(hashmi, as_review(app, reply)).headers["Location"]
    assert 'id="under-review"' in text(hashmi.get(receipt_url))
    status, payments, expiry, pk = state(app)
    assert (status, payments, expiry) == ("review", ["review"], dt.date(2018, 3, 19))

    # A member cannot decide it.
    assert staff_action(app, hashmi, pk, "accept_review").status_code in (302, 403, 404)
    assert state(app)[0] == "review"

    make_user(app, "clerk", "Staff")
    login(client, "clerk")
    show = text(client.get(f"/serviceorderview/show/{pk}"))
    assert "Accept the payment and complete the request" in show and "Refuse the held payment" in show
    response = staff_action(app, client, pk, "accept_review")
    assert response.status_code == 302
    assert state(app)[:3] == ("fulfilled", ["accepted"], dt.date(2019, 3, 19))
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "service_order",
                                                           AuditEntry.action == "update").order_by(AuditEntry.seq.desc())
                                  .where(AuditEntry.actor == "clerk"))
        assert entry is not None
        db.session.remove()
    # Deciding twice does nothing more.
    staff_action(app, client, pk, "accept_review")
    assert state(app)[:3] == ("fulfilled", ["accepted"], dt.date(2019, 3, 19))


def test_staff_refuse_a_held_payment(app, hashmi, client):
    reply = pay_on_sandbox(hashmi, checkout(hashmi, app))
    deliver(hashmi, as_review(app, reply), "/payments/notify")
    pk = state(app)[3]
    make_user(app, "clerk", "Staff")
    login(client, "clerk")
    assert staff_action(app, client, pk, "cancel_review").status_code == 302
    assert state(app)[:3] == ("cancelled", ["cancelled"], dt.date(2018, 3, 19))


def test_reconciling_finds_a_payment_whose_reply_never_came(app, hashmi):
    pay_on_sandbox(hashmi, checkout(hashmi, app))  # paid, but the browser never came back
    assert state(app)[:2] == ("pending_payment", ["pending"])
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        gateway, now, today = payment_gateway(), app.config["CLOCK_NOW"], app.config["CLOCK_TODAY"]
        assert reconcile_order(db.session, order, gateway, now=now, today=today) == "settled"
        db.session.commit()
        assert reconcile_order(db.session, order, gateway, now=now, today=today) == "no_answer_yet"  # once only
        db.session.commit()
        assert order.status == "fulfilled"
        db.session.remove()
    assert state(app)[:3] == ("fulfilled", ["accepted"], dt.date(2019, 3, 19))


def test_an_unpaid_order_expires_and_a_new_request_can_start(app, hashmi):
    checkout(hashmi, app)  # a payment attempt opened, never paid
    first = state(app)
    app.config["CLOCK_NOW"] = app.config["CLOCK_NOW"] + dt.timedelta(minutes=app.config["ORDER_TTL_MINUTES"] + 1)
    with app.app_context():
        reference = db.session.scalar(select(ServiceOrder.reference))
        db.session.remove()
    page = text(hashmi.get(f"/services/receipt/{reference}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = hashmi.post(f"/services/orders/{reference}/pay", data={"csrf_token": token})
    assert refused.status_code == 409 and "has expired unpaid" in text(refused)

    checkout(hashmi, app, months="24")  # starting again reconciles and expires the stale one
    with app.app_context():
        orders = list(db.session.scalars(select(ServiceOrder).order_by(ServiceOrder.id)))
        assert [o.status for o in orders] == ["expired", "pending_payment"]
        assert [p.status for p in orders[0].payments] == ["expired"]
        assert orders[1].total == 50_000
        db.session.remove()
    assert first[0] == "pending_payment"


def test_a_payment_after_the_request_closed_is_kept_for_staff(app, hashmi, client):
    page = checkout(hashmi, app)
    with app.app_context():
        reference = db.session.scalar(select(ServiceOrder.reference))
        db.session.remove()
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(hashmi.get(f"/services/receipt/{reference}"))).group(1)
    assert hashmi.post(f"/services/orders/{reference}/cancel", data={"csrf_token": token}).status_code == 303
    reply = pay_on_sandbox(hashmi, page)  # the hosted page was still open in another tab
    receipt_url = deliver(hashmi, reply).headers["Location"]
    assert 'id="late-payment"' in text(hashmi.get(receipt_url))
    status, payments, expiry, pk = state(app)
    assert (status, payments, expiry) == ("cancelled", ["accepted"], dt.date(2018, 3, 19))
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "late_payment")) is not None
        db.session.remove()
    make_user(app, "clerk", "Staff")
    login(client, "clerk")
    staff_action(app, client, pk, "accept_review")
    assert state(app)[:3] == ("fulfilled", ["accepted"], dt.date(2019, 3, 19))


def test_a_paid_request_that_cannot_be_carried_out_is_kept_paid_for_staff(app, hashmi, client):
    page = checkout(hashmi, app)
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        # The grade the quote named has since disappeared (a data error nobody foresaw).
        order.details = {**order.details, "grade": "sixth"}
        order.service = "new_membership"
        db.session.commit()
        db.session.remove()
    reply = pay_on_sandbox(hashmi, page)
    receipt_url = deliver(hashmi, reply).headers["Location"]
    assert 'id="being-completed"' in text(hashmi.get(receipt_url))
    status, payments, expiry, pk = state(app)
    assert (status, payments) == ("paid", ["accepted"])
    assert deliver(hashmi, reply).status_code == 303  # the repeated reply changes nothing
    assert state(app)[:2] == ("paid", ["accepted"])

    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        order.details, order.service = {**order.details, "grade": "fourth"}, "renewal"
        db.session.commit()
        db.session.remove()
    make_user(app, "clerk", "Staff")
    login(client, "clerk")
    staff_action(app, client, pk, "accept_review")
    assert state(app)[:3] == ("fulfilled", ["accepted"], dt.date(2019, 3, 19))


def test_the_reconciliation_job_settles_and_carries_out_a_request_whose_reply_never_came(app, hashmi):
    from jobs.scheduler import run_now

    pay_on_sandbox(hashmi, checkout(hashmi, app))
    # Rows are stamped with the real time; the job looks for orders older than RECONCILE_AFTER_MINUTES.
    app.config["CLOCK_NOW"] = dt.datetime.now(dt.timezone.utc) + dt.timedelta(
        minutes=app.config["RECONCILE_AFTER_MINUTES"] + 1)
    result = run_now(app, "reconcile_payments")
    assert result.status == "ok" and result.counts == {"orders": 1, "settled": 1}
    assert state(app)[:3] == ("fulfilled", ["accepted"], dt.date(2019, 3, 19))
    with app.app_context():
        assert db.session.query(Certificate).count() == 1
        db.session.remove()


def test_starting_again_after_a_late_payment_settles_the_earlier_request_and_charges_nothing_new(app, hashmi):
    pay_on_sandbox(hashmi, checkout(hashmi, app))  # paid at the gateway; the reply never came back
    app.config["CLOCK_NOW"] = app.config["CLOCK_NOW"] + dt.timedelta(minutes=app.config["ORDER_TTL_MINUTES"] + 1)
    page = checkout(hashmi, app, months="24")  # the member starts again once the request looks expired
    assert "The price or the dates have changed" in page and 'id="gateway-form"' not in page
    with app.app_context():
        orders = list(db.session.scalars(select(ServiceOrder).order_by(ServiceOrder.id)))
        assert [(o.status, [p.status for p in o.payments]) for o in orders] == [("fulfilled", ["accepted"])]
        db.session.remove()
    assert state(app)[2] == dt.date(2019, 3, 19)
