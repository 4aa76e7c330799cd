"""The counter: the civil ID card checked against the registry's signatories, the same quote and fulfilment as
online, payment by cash, cheque, transfer or card terminal settled once, the receipt, and the daily cash-up."""
from __future__ import annotations

import datetime as dt
import io
import threading

from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from models import (
    CashEntry, Certificate, CounterPayment, CounterVisit, Membership, Notification, Payment, ServiceOrder,
)
from tests.conftest import csrf_from
from tests.integration.counter.fixtures import back_office, counter_ready, post, serve
from tests.integration.selfservice.helpers import flat


def _count(app, model, *where) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.remove()
        return n


def _order(app) -> ServiceOrder:
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder).order_by(ServiceOrder.id.desc()))
        db.session.expunge_all()
        return order


def _pay(app, client, reference, **fields):
    page = client.get(f"/counter/order/{reference}/pay").get_data(as_text=True)
    return client.post(f"/counter/order/{reference}/pay",
                       data={"method": "cash", **fields, "csrf_token": csrf_from(page)})


def test_the_civil_id_card_must_be_checked_and_match_a_signatory(app):
    ids = counter_ready(app)
    staff = back_office(app, "staff1", "Staff")
    page = serve(app, staff, ids["company"], membership=str(ids["membership"]), civil_id="9999999")
    assert "not an active signatory" in page.get_data(as_text=True)
    page = serve(app, staff, ids["company"], membership=str(ids["membership"]), id_card_checked="")
    assert "checked the member" in page.get_data(as_text=True)
    assert _count(app, ServiceOrder) == 0 and _count(app, CounterVisit) == 0


def test_a_renewal_at_the_counter_paid_in_cash(app, client):
    ids = counter_ready(app)
    staff = back_office(app, "staff1", "Staff")
    response = serve(app, staff, ids["company"], membership=str(ids["membership"]), civil_id="١٥٢٦٥٧٥")
    assert response.status_code == 302 and response.headers["Location"].endswith("/pay"), response.get_data(as_text=True)
    order = _order(app)
    assert order.status == "pending_payment" and order.total == 25_000 and order.details["channel"] == "counter"
    assert order.details["new_expiry"] == "2028-03-19"  # the same quote as the portal's
    with app.app_context():
        visit = db.session.scalar(select(CounterVisit))
        assert (visit.civil_id, visit.served_by, visit.id_card_checked, visit.order_id) == (
            "1526575", "staff1", True, order.id)
    response = _pay(app, staff, order.reference)
    assert response.status_code == 302
    order = _order(app)
    assert order.status == "fulfilled"
    with app.app_context():
        membership = db.session.get(Membership, ids["membership"])
        assert membership.expires_on == dt.date(2028, 3, 19)
        counter = db.session.scalar(select(CounterPayment))
        assert (counter.method, counter.received_by, counter.business_day) == ("cash", "staff1", dt.date(2026, 11, 24))
        payment = db.session.get(Payment, counter.payment_id)
        assert (payment.gateway, payment.status, payment.amount) == ("counter", "accepted", 25_000)
        assert db.session.scalar(select(func.sum(CashEntry.amount))) == 25_000
        certificate = db.session.scalar(select(Certificate).where(Certificate.order_id == order.id))
        assert certificate.expires_on == dt.date(2028, 3, 19)
        mails = list(db.session.scalars(select(Notification).where(Notification.template == "service_fulfilled")))
        assert {(n.channel, n.recipient) for n in mails} == {("email", "owner@promising.example.om"),
                                                              ("sms", "+96892345678")}
        token = counter.receipt_token
    # The printed receipt: both languages, the fee lines, the method, who served, the QR's address.
    pdf = staff.get(f"/counter/order/{order.reference}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in (order.reference, "25.000 OMR", "Cash", "staff1", f"/verify/receipt/{token}", "1229237"):
        assert expected in text, expected
    assert "١٢٢٩٢٣٧" in text or "٧٣٢٩٢٢١" in text  # the CR number in Arabic-Indic digits
    assert round(float(PdfReader(io.BytesIO(pdf.data)).pages[0].mediabox.width)) == 595  # A4
    # The same receipt on an 80 mm till roll, one column.
    roll = staff.get(f"/counter/order/{order.reference}/receipt.pdf?paper=80mm")
    reader = PdfReader(io.BytesIO(roll.data))
    assert roll.status_code == 200 and round(float(reader.pages[0].mediabox.width)) == 227  # 80 mm
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (order.reference, "25.000 OMR", "Cash", "staff1", "/verify/receipt/", token, "1229237"):
        assert expected in text, expected
    assert staff.get(f"/counter/order/{order.reference}/receipt.pdf?paper=a5").status_code == 404
    page = client.get(f"/verify/receipt/{token}").get_data(as_text=True)
    assert "This receipt was issued by the chamber." in page and order.reference in page
    assert client.get("/verify/receipt/not-a-token").status_code == 404
    # Paying again is refused and records nothing.
    page = post(app, staff, f"/counter/order/{order.reference}/pay", {"method": "cash"}).get_data(as_text=True)
    assert "not waiting for payment" in page and _count(app, CounterPayment) == 1


def test_payment_details_by_method(app):
    ids = counter_ready(app)
    staff = back_office(app, "staff1", "Staff")
    serve(app, staff, ids["company"], membership=str(ids["membership"]))
    order = _order(app)
    page = _pay(app, staff, order.reference, method="cheque", cheque_number="000123").get_data(as_text=True)
    assert "a cheque needs its number and bank" in page
    page = _pay(app, staff, order.reference, method="card_terminal", terminal_reference="T-77",
                card_last4="4111111111111111").get_data(as_text=True)
    assert _order(app).status == "pending_payment"
    assert _pay(app, staff, order.reference, method="card_terminal", terminal_reference="T-77",
                card_last4="1111").status_code == 302
    with app.app_context():
        counter = db.session.scalar(select(CounterPayment))
        assert (counter.terminal_reference, counter.card_last4, counter.cheque_number) == ("T-77", "1111", None)


def test_a_new_membership_at_the_counter_gets_an_occi_number(app):
    ids = counter_ready(app)
    with app.app_context():
        db.session.get(Membership, ids["membership"]).expires_on = dt.date(2024, 1, 1)
        db.session.commit()
    staff = back_office(app, "staff1", "Staff")
    response = serve(app, staff, ids["company"], service="new_membership")
    assert response.status_code == 302, response.get_data(as_text=True)
    order = _order(app)
    assert order.total == 35_000  # registration RO 10 and the first year RO 25
    assert _pay(app, staff, order.reference, method="transfer", transfer_reference="BM-2026-11-24-7").status_code == 302
    with app.app_context():
        new = db.session.scalar(select(Membership).order_by(Membership.id.desc()))
        assert new.occi_number.isdigit() and new.expires_on == dt.date(2027, 11, 24)


def test_two_staff_settling_the_same_counter_order_at_once(app):
    ids = counter_ready(app)
    first, second = back_office(app, "staff1", "Staff"), back_office(app, "staff2", "Staff")
    serve(app, first, ids["company"], membership=str(ids["membership"]))
    reference = _order(app).reference
    forms = []
    for client in (first, second):
        page = client.get(f"/counter/order/{reference}/pay").get_data(as_text=True)
        forms.append((client, {"method": "cash", "csrf_token": csrf_from(page)}))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def press(client, data) -> None:
        try:
            barrier.wait(timeout=10)
            client.post(f"/counter/order/{reference}/pay", data=data)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=press, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert _order(app).status == "fulfilled"
    assert _count(app, CounterPayment) == 1 and _count(app, Payment) == 1 and _count(app, CashEntry) == 1
    assert _count(app, Certificate, Certificate.order_id.is_not(None)) == 1
    assert _count(app, Notification, Notification.template == "service_fulfilled") == 2  # one email, one SMS
    with app.app_context():
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2028, 3, 19)


def test_the_daily_cash_up_per_staff_and_method_and_closing_the_day(app):
    ids = counter_ready(app)
    first, second = back_office(app, "staff1", "Staff"), back_office(app, "staff2", "Staff")
    serve(app, first, ids["company"], membership=str(ids["membership"]))
    _pay(app, first, _order(app).reference, method="cheque", cheque_number="000123", bank="Bank Muscat")
    serve(app, second, ids["company"], service="replacement", membership=str(ids["membership"]))
    _pay(app, second, _order(app).reference, method="cash")
    second.get("/lang/ar")
    page = second.get("/counter/cash-up?day=2026-11-24").get_data(as_text=True)
    assert "staff1" in page and "staff2" in page and "29.000 OMR" in page and "إغلاق اليوم" in page
    csv_text = first.get("/counter/cash-up?day=2026-11-24&format=csv").get_data(as_text=True)
    assert "staff1" in csv_text and "25.000" in csv_text and "4.000" in csv_text and "29.000" in csv_text
    auditor = back_office(app, "auditor1", "Auditor")
    assert auditor.get("/counter/cash-up?day=2026-11-24").status_code == 200
    assert post(app, auditor, "/counter/cash-up/close", {"day": "2026-11-24"}).status_code in (302, 403)
    response = post(app, first, "/counter/cash-up/close", {"day": "2026-11-24"})
    assert response.status_code == 302
    page = first.get("/counter/cash-up?day=2026-11-24").get_data(as_text=True)
    assert "Closed by staff1" in flat(page)
    # Closed: no more payments on that day, and closing again is refused.
    serve(app, first, ids["company"], service="replacement", membership=str(ids["membership"]))
    page = _pay(app, first, _order(app).reference).get_data(as_text=True)
    assert "is closed" in page and _order(app).status == "pending_payment"
    page = post(app, first, "/counter/cash-up/close", {"day": "2026-11-24"}, follow_redirects=True)
    assert "is closed" in page.get_data(as_text=True)
