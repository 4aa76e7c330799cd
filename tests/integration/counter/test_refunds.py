"""Refunds with four eyes: asked for by staff, approved or rejected by another Admin, paid back once through
the gateway that took the payment or at the counter, the service undone, a credit note, an email and an SMS."""
from __future__ import annotations

import datetime as dt
import io
import threading

from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from models import AuditEntry, CashEntry, Certificate, Membership, Notification, Refund, ServiceOrder
from tests.conftest import csrf_from
from tests.integration.counter.fixtures import back_office, counter_ready, post, serve


def _order(app) -> ServiceOrder:
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder).order_by(ServiceOrder.id.desc()))
        db.session.expunge_all()
        return order


def _refund(app) -> Refund:
    with app.app_context():
        refund = db.session.scalar(select(Refund).order_by(Refund.id.desc()))
        db.session.expunge_all()
        return refund


def paid_at_counter(app, ids, staff, **fields) -> ServiceOrder:
    serve(app, staff, ids["company"], membership=str(ids["membership"]), **fields)
    order = _order(app)
    page = staff.get(f"/counter/order/{order.reference}/pay").get_data(as_text=True)
    assert staff.post(f"/counter/order/{order.reference}/pay",
                      data={"method": "cash", "csrf_token": csrf_from(page)}).status_code == 302
    return _order(app)


def ask(app, client, order_id: int, reason: str = "Paid twice by mistake", lines: list[int] | None = None):
    data = {"scope": "lines" if lines else "full", "reason": reason}
    page = client.get(f"/refundview/request/{order_id}").get_data(as_text=True)
    payload = {**data, "csrf_token": csrf_from(page)}
    if lines:
        payload["line"] = [str(i) for i in lines]
    return client.post(f"/refundview/request/{order_id}", data=payload)


def test_a_counter_refund_needs_a_second_admin_and_undoes_the_renewal(app, client):
    ids = counter_ready(app)
    staff = back_office(app, "staff1", "Staff")
    order = paid_at_counter(app, ids, staff)
    assert ask(app, staff, order.id).status_code == 302
    refund = _refund(app)
    assert (refund.status, refund.amount, refund.scope, refund.requested_by) == ("requested", 25_000, "full", "staff1")
    # Staff cannot decide; nor can the admin who asked.
    assert post(app, staff, f"/refundview/approve/{refund.id}", {"payout_method": "cash"}).status_code in (302, 403)
    assert _refund(app).status == "requested"
    admin1, admin2 = back_office(app, "admin1", "Admin"), back_office(app, "admin2", "Admin")
    # A second request on the same order while one is open is refused.
    page = ask(app, admin1, order.id).get_data(as_text=True)
    assert "already in progress" in page
    page = post(app, admin2, f"/refundview/approve/{refund.id}", {}, follow_redirects=True).get_data(as_text=True)
    assert "in cash, or by bank transfer" in page and _refund(app).status == "requested"
    response = post(app, admin2, f"/refundview/approve/{refund.id}", {"payout_method": "cash", "note": "cash back"})
    assert response.status_code == 302
    refund = _refund(app)
    assert (refund.status, refund.method, refund.decided_by) == ("refunded", "cash", "admin2")
    assert refund.credit_note_number and refund.rollback["undone"] is True
    with app.app_context():
        membership = db.session.get(Membership, ids["membership"])
        assert membership.expires_on == dt.date(2027, 3, 19)  # back as before the renewal
        issued = db.session.scalar(select(Certificate).where(Certificate.order_id == order.id))
        assert issued.revoke_reason == "refunded"
        current = db.session.scalar(select(Certificate).where(Certificate.membership_id == membership.id,
                                                              Certificate.revoked_at.is_(None),
                                                              Certificate.superseded_by_id.is_(None)))
        assert current.expires_on == dt.date(2027, 3, 19)
        assert sorted(db.session.scalars(select(CashEntry.amount))) == [-25_000, 25_000]
        messages = list(db.session.scalars(select(Notification).where(Notification.template == "refund_issued")))
        assert {n.channel for n in messages} == {"email", "sms"}
        verify_token = issued.verify_token
    page = client.get(f"/verify/{verify_token}").get_data(as_text=True)
    assert "was revoked on" in page and "is valid" not in page
    pdf = admin2.get(f"/refundview/credit-note/{refund.id}.pdf")
    assert pdf.status_code == 200
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    for expected in ("Credit note", refund.credit_note_number, order.reference, "25.000 OMR", "Cash"):
        assert expected in text, expected
    # Approving again changes nothing.
    page = post(app, admin2, f"/refundview/approve/{refund.id}", {"payout_method": "cash"},
                follow_redirects=True).get_data(as_text=True)
    assert "already decided" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CashEntry)) == 2
    # The company's page lists the refund and the counter visit.
    page = staff.get(f"/companyview/history/{ids['company']}").get_data(as_text=True)
    assert refund.reference in page and f"/countervisitview/show/" in page


def test_the_requester_cannot_approve_their_own_refund(app):
    ids = counter_ready(app)
    admin1 = back_office(app, "admin1", "Admin")
    order = paid_at_counter(app, ids, admin1)
    ask(app, admin1, order.id)
    refund = _refund(app)
    page = post(app, admin1, f"/refundview/approve/{refund.id}", {"payout_method": "cash"},
                follow_redirects=True).get_data(as_text=True)
    assert "another administrator must decide" in page and _refund(app).status == "requested"
    page = post(app, admin1, f"/refundview/reject/{refund.id}", {}, follow_redirects=True).get_data(as_text=True)
    assert "another administrator must decide" in page
    admin2 = back_office(app, "admin2", "Admin")
    assert post(app, admin2, f"/refundview/reject/{refund.id}", {"note": "not justified"}).status_code == 302
    assert _refund(app).status == "rejected"
    with app.app_context():
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2028, 3, 19)
    # Rejected: a new request may be made.
    assert ask(app, admin1, order.id, reason="Second thoughts").status_code == 302


def test_a_refund_approved_twice_at_once_is_paid_back_once(app):
    ids = counter_ready(app)
    staff = back_office(app, "staff1", "Staff")
    order = paid_at_counter(app, ids, staff)
    ask(app, staff, order.id)
    refund = _refund(app)
    admins = [back_office(app, name, "Admin") for name in ("admin1", "admin2")]
    from tests.conftest import csrf_for

    forms = [(client, {"payout_method": "cash", "csrf_token": csrf_for(client, app)}) for client in admins]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def press(client, data) -> None:
        try:
            barrier.wait(timeout=10)
            client.post(f"/refundview/approve/{refund.id}", data=data)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=press, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert _refund(app).status == "refunded"
    with app.app_context():
        assert sorted(db.session.scalars(select(CashEntry.amount))) == [-25_000, 25_000]
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.template == "refund_issued")) == 2
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "refund").order_by(AuditEntry.seq))
        approvals = [e for e in entries
                     if (e.after or {}).get("status") in ("approved", "refunded") and (e.before or {}).get("status")
                     != (e.after or {}).get("status")]
        assert [e.after["status"] for e in approvals] == ["approved", "refunded"]
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2027, 3, 19)


def test_a_refund_of_the_second_year_shortens_the_renewal(app):
    ids = counter_ready(app)
    app.config["MAX_PAID_AHEAD_MONTHS"] = 30  # the membership runs to March: two more years go past 24 months
    staff = back_office(app, "staff1", "Staff")
    order = paid_at_counter(app, ids, staff, months="24")
    with app.app_context():
        lines = {line.kind: line.id for line in db.session.get(ServiceOrder, order.id).lines}
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2029, 3, 19)
    page = ask(app, staff, order.id, lines=[999999]).get_data(as_text=True)
    assert "Choose one or more fee lines" in page
    assert ask(app, staff, order.id, lines=[lines["year_2"]]).status_code == 302
    refund = _refund(app)
    assert (refund.scope, refund.amount) == ("lines", 25_000)
    admin = back_office(app, "admin1", "Admin")
    post(app, admin, f"/refundview/approve/{refund.id}", {"payout_method": "transfer",
                                                          "payout_reference": "TRF-889"})
    refund = _refund(app)
    assert (refund.status, refund.payout_reference) == ("refunded", "TRF-889")
    with app.app_context():
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2028, 3, 19)
        entry = db.session.scalar(select(CashEntry).where(CashEntry.amount < 0))
        assert entry.method == "transfer"
    # Only the first year is left to refund.
    page = ask(app, staff, order.id, lines=[lines["year_1"], lines["year_2"]]).get_data(as_text=True)
    assert "more than is left to refund" in page
