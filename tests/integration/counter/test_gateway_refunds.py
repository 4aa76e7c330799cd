"""Refunds through the gateway that took the payment: the sandbox pays back once per refund, and CyberSource
(a local HTTP server standing in for it) failing or timing out leaves the refund pending at the gateway,
retried by the reconciliation job and never sent twice."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.adapters.payments import BillingDetails, RefundRequest, make_gateway
from app.services.payments.gateway import EXTENSION_KEY, payment_gateway
from app.extensions import db
from app.services.membership.quotes import plan_renewal
from app.services.payments.checkout import handle_reply, start_checkout
from app.services.payments.engine import settle_order
from app.services.payments.orders import place_order
from jobs.scheduler import run_now
from models import Membership, Notification, Payment, ServiceOrder
from tests.integration.counter.fixtures import TODAY, back_office, counter_ready, member_for, post
from tests.integration.counter.test_refunds import _refund, ask

NOW = dt.datetime(2026, 11, 24, 6, 0)  # naive UTC, as stored
MERCHANT, KEY_ID = "occi_portal", "6f1a9b7c-3d2e-4f50-8a9b-0c1d2e3f4a5b"
SECRET = base64.b64encode(b"rest-shared-secret").decode()


def _renewal_order(membership_id: int, user_id: int) -> ServiceOrder:
    membership = db.session.get(Membership, membership_id)
    plan = plan_renewal(db.session, membership, 12, today=TODAY, grace_days=30)
    return place_order(db.session, plan, user_id=user_id, now=NOW, ttl_minutes=60)


def test_a_sandbox_payment_is_refunded_through_the_sandbox_once(app):
    ids = counter_ready(app)
    member_id = member_for(app)
    with app.test_request_context():
        from models import Member

        user_id = db.session.get(Member, member_id).user_id
        gateway = payment_gateway(app)  # the app's own sandbox, as the refund will use
        order = _renewal_order(ids["membership"], user_id)
        billing = BillingDetails("Salim", "Al Harthy", "salim@example.om", "+96899416689", "Ruwi", "Muscat")
        _action, fields = start_checkout(db.session, order, gateway=gateway, gateway_name="sandbox", billing=billing,
                                         locale="en", receipt_url="http://localhost/payments/receipt",
                                         notify_url=None, now=NOW)
        checkout_id = gateway.open_checkout(fields)
        gateway.save_billing(checkout_id, {"first_name": "Salim", "last_name": "Al Harthy", "address": "Ruwi",
                                           "city": "Muscat", "country": "OM", "phone": "+96899416689",
                                           "email": "salim@example.om"})
        gateway.save_payment(checkout_id, "001", "4111111111111111", "123", "12", str(dt.date.today().year + 1))
        outcome = handle_reply(db.session, gateway.confirm(checkout_id).reply, gateway=gateway, source="test",
                               now=NOW, today=TODAY)
        assert outcome.settled
        order_id, reference = order.id, order.reference
        db.session.remove()
    staff, admin = back_office(app, "staff1", "Staff"), back_office(app, "admin1", "Admin")
    assert ask(app, staff, order_id).status_code == 302
    refund = _refund(app)
    assert post(app, admin, f"/refundview/approve/{refund.id}", {}).status_code == 302
    refund = _refund(app)
    assert (refund.status, refund.method, refund.attempts) == ("refunded", "gateway", 1) and refund.gateway_refund_id
    # The sandbox's ledger outlives a test, as a gateway's would: this order's refunds only.
    records = [r for r in gateway.ledger.records() if r.get("kind") == "refund" and r.get("order_reference") == reference]
    assert len(records) == 1 and records[0]["amount_baisa"] == 25_000
    # The same refund sent again is the same refund, not a second one.
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
        again = gateway.refund(RefundRequest(refund.reference, reference, payment.transaction_uuid, "", 25_000))
    assert again.refund_id == refund.gateway_refund_id
    assert len([r for r in gateway.ledger.records()
                if r.get("kind") == "refund" and r.get("order_reference") == reference]) == 1
    with app.app_context():
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2027, 3, 19)
        sent = {n.recipient for n in db.session.scalars(select(Notification).where(
            Notification.template == "refund_issued"))}
        assert sent == {"salim@example.om", "+96899416689"}


class Gateway(BaseHTTPRequestHandler):
    """Plays CyberSource's REST API: refunds and transaction search, refusing unsigned requests."""

    def log_message(self, *args) -> None:
        pass

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        if self.headers.get("Digest") != digest or f'keyid="{KEY_ID}"' not in self.headers.get("Signature", "") \
                or self.headers.get("v-c-merchant-id") != MERCHANT:
            return self._answer(401, {"message": "bad signature"})
        request = json.loads(body)
        if self.path == "/tss/v2/searches":
            code = re.search(r"clientReferenceInformation\.code:(\S+)", request["query"]).group(1)
            found = [{"id": rid, "clientReferenceInformation": {"code": ref},
                      "applicationInformation": {"reasonCode": "100", "applications": [{"name": "ics_credit"}]},
                      "orderInformation": {"amountDetails": {"totalAmount": amount, "currency": "OMR"}}}
                     for rid, ref, amount in server.refunds if ref == code]
            server.searches += 1
            return self._answer(201, {"_embedded": {"transactionSummaries": found} if found else None})
        match = re.fullmatch(r"/pts/v2/payments/([0-9]+)/refunds", self.path)
        if not match:
            return self._answer(404, {})
        server.refund_posts.append(request)
        if server.mode == "fail":
            return self._answer(503, {"message": "service unavailable"})
        refund_id = uuid.uuid4().hex[:22]
        server.refunds.append((refund_id, request["clientReferenceInformation"]["code"],
                               request["orderInformation"]["amountDetails"]["totalAmount"]))
        if server.mode == "slow":
            time.sleep(2.5)  # the refund is made, but the answer comes after the client gave up
        self._answer(201, {"id": refund_id, "status": "PENDING"})

    def _answer(self, status: int, document: dict) -> None:
        data = json.dumps(document).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client hung up (the timeout case)


@pytest.fixture
def cybersource(app):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.mode, server.refunds, server.refund_posts, server.searches = "fail", [], [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = {key: app.config.get(key) for key in (
        "PAYMENT_GATEWAY", "CYBERSOURCE_QUERY_URL", "CYBERSOURCE_MERCHANT_ID", "CYBERSOURCE_API_KEY_ID",
        "CYBERSOURCE_API_SECRET", "CYBERSOURCE_READ_TIMEOUT", "CYBERSOURCE_ACCESS_KEY", "CYBERSOURCE_PROFILE_ID",
        "CYBERSOURCE_SECRET_KEY", "RECONCILE_AFTER_MINUTES")}
    app.config.update(PAYMENT_GATEWAY="cybersource", CYBERSOURCE_QUERY_URL=f"http://127.0.0.1:{server.server_port}",
                      CYBERSOURCE_MERCHANT_ID=MERCHANT, CYBERSOURCE_API_KEY_ID=KEY_ID, CYBERSOURCE_API_SECRET=SECRET,
                      CYBERSOURCE_READ_TIMEOUT=1, CYBERSOURCE_ACCESS_KEY="access", CYBERSOURCE_PROFILE_ID="profile",
                      CYBERSOURCE_SECRET_KEY="secret", RECONCILE_AFTER_MINUTES=0)
    sandbox = app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = make_gateway(app.config)  # the app's gateway is CyberSource for this test
    yield server
    app.extensions[EXTENSION_KEY] = sandbox
    app.config.update(saved)
    server.shutdown()
    server.server_close()


def _paid_by_card(app, ids) -> int:
    """A renewal paid on CyberSource's hosted page: its accepted payment and the order settled by the engine."""
    member_id = member_for(app)
    with app.test_request_context():
        from models import Member

        order = _renewal_order(ids["membership"], db.session.get(Member, member_id).user_id)
        payment = Payment(order_id=order.id, gateway="cybersource", transaction_uuid=str(uuid.uuid4()),
                          gateway_transaction_id="6234567890123456789012", amount=order.total,
                          status="accepted", decision="ACCEPT", reason_code="100", replied_at=NOW)
        db.session.add(payment)
        db.session.flush()
        assert settle_order(db.session, order, payment, now=NOW, today=TODAY)
        db.session.commit()
        order_id = order.id
        db.session.remove()
        return order_id


def test_a_refund_the_gateway_fails_on_is_retried_by_the_reconciliation_job(app, cybersource):
    ids = counter_ready(app)
    order_id = _paid_by_card(app, ids)
    staff, admin = back_office(app, "staff1", "Staff"), back_office(app, "admin1", "Admin")
    ask(app, staff, order_id)
    refund = _refund(app)
    page = post(app, admin, f"/refundview/approve/{refund.id}", {}, follow_redirects=True).get_data(as_text=True)
    assert "Pending at the gateway" in page
    refund = _refund(app)
    assert (refund.status, refund.attempts) == ("pending_gateway", 1) and "503" in refund.last_error
    with app.app_context():
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2028, 3, 19)  # not undone yet
    # Still failing: the job leaves it pending, and says so in its counts.
    result = run_now(app, "reconcile_payments", trigger="test")
    assert result.status == "ok" and result.counts["refunds_still_pending"] == 1
    assert _refund(app).status == "pending_gateway" and len(cybersource.refund_posts) == 2
    cybersource.mode = "ok"
    result = run_now(app, "reconcile_payments", trigger="test")
    assert result.counts["refunds_done"] == 1
    refund = _refund(app)
    assert refund.status == "refunded" and refund.attempts == 3 and refund.last_error is None
    assert len(cybersource.refunds) == 1 and cybersource.refund_posts[-1]["orderInformation"]["amountDetails"] == {
        "totalAmount": "25.000", "currency": "OMR"}
    with app.app_context():
        assert db.session.get(Membership, ids["membership"]).expires_on == dt.date(2027, 3, 19)
    # Nothing left to retry.
    assert "refunds_retried" not in run_now(app, "reconcile_payments", trigger="test").counts
    assert len(cybersource.refunds) == 1


def test_a_refund_whose_answer_was_lost_is_found_and_never_sent_twice(app, cybersource):
    ids = counter_ready(app)
    order_id = _paid_by_card(app, ids)
    staff, admin = back_office(app, "staff1", "Staff"), back_office(app, "admin1", "Admin")
    ask(app, staff, order_id)
    cybersource.mode = "slow"
    post(app, admin, f"/refundview/approve/{_refund(app).id}", {})
    refund = _refund(app)
    assert refund.status == "pending_gateway" and "no answer" in refund.last_error
    assert len(cybersource.refunds) == 1  # the gateway did refund
    cybersource.mode = "ok"
    run_now(app, "reconcile_payments", trigger="test")
    refund = _refund(app)
    assert refund.status == "refunded" and refund.gateway_refund_id == cybersource.refunds[0][0]
    assert len(cybersource.refund_posts) == 1 and len(cybersource.refunds) == 1  # asked, not sent again
