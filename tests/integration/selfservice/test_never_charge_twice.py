"""Never charge twice: the database is taken away at points of the payment reply path (the gateway has
accepted, the portal cannot record it), brought back, and the reply replayed every way it can come
back: the browser's retry, the gateway's notification, the reconciliation job, the member's "Pay"
again, the receipt page. Every accepted charge ends settling its order or flagged as a duplicate.

The module runs its own PostgreSQL server (started once, stopped and started by the tests).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re

import pytest
from sqlalchemy import event, select

from app.adapters.payments import GatewayQueryFailed
from app.extensions import db
from app.services.payments import engine
from app.services.payments.gateway import payment_gateway
from jobs.scheduler import run_now
from models import AuditEntry, Membership, Payment, ServiceOrder
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user
from tests.integration.private_postgres import start_private_postgres

from .helpers import choose_membership, confirm, pay_on_sandbox, post_form, text

# The module brings its own PostgreSQL server, so the suite's PostgreSQL pass would only repeat it.
pytestmark = pytest.mark.skipif(os.environ.get("GHURFA_TEST_DB") == "postgresql",
                                reason="runs on its own PostgreSQL server in the first pass")

BASE = "/services/renewal"
RENEWED = dt.date(2019, 3, 19)


@pytest.fixture(scope="module")
def private_pg():
    server = start_private_postgres()
    assert server is not None, "these tests need PostgreSQL's initdb and pg_ctl (/usr/lib/postgresql/*/bin)"
    yield server
    server.remove()


@pytest.fixture(scope="module")
def app(private_pg, tmp_path_factory):
    """The portal on the private server (overrides the suite's app for this module)."""
    from app import create_app
    from app.services.setup.bootstrap import prepare_database
    from config import TestConfig

    instance = tmp_path_factory.mktemp("instance-outage")
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=private_pg.url(), INSTANCE_DIR=str(instance),
                             OUTBOX_DIR=str(instance / "outbox"))
    with application.app_context():
        prepare_database(demo=False)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def outage(private_pg):
    """`with outage():` the database is down inside the block and back after it."""
    @contextlib.contextmanager
    def down():
        private_pg.stop()
        try:
            yield
        finally:
            private_pg.start()

    yield down
    if not _running(private_pg):
        private_pg.start()


def _running(server) -> bool:
    return os.path.exists(os.path.join(server.data_dir, "postmaster.pid"))


def checkout(client, app) -> str:
    """The member confirms a 12-month renewal and is handed to the gateway: the hosted page's form."""
    choose_membership(client, app, BASE, "1445820", "91868", "7324674")
    post_form(client, f"{BASE}/period", {"months": "12", "voucher_code": "", "step": "continue"})
    return text(confirm(client, BASE))


def state(app):
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder).order_by(ServiceOrder.id.desc()))
        result = (order.status, [p.status for p in order.payments],
                  db.session.scalar(select(Membership.expires_on).where(Membership.occi_number == "91868")))
        db.session.remove()
        return result


def reference_of(app) -> str:
    with app.app_context():
        reference = db.session.scalar(select(ServiceOrder.reference))
        db.session.remove()
        return reference


def deliver(app, reply: dict, endpoint: str = "/payments/receipt"):
    """The reply posted back cross-site by the browser (no session cookie comes with it), or by the gateway."""
    return app.test_client().post(endpoint, data=reply)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def pay_again(client, reference: str):
    """The member presses "Pay" (or "Try again") on the receipt page, or replays that form."""
    page = text(client.get(f"/services/receipt/{reference}"))
    token = csrf_of(page) if 'id="pay-form"' in page else csrf_for(client, client.application)
    return client.post(f"/services/orders/{reference}/pay", data={"csrf_token": token})


def charges_at_gateway(app, reference: str) -> int:
    """How many of this order's attempts the sandbox gateway accepted (from its own ledger, not ours)."""
    with app.app_context():
        attempts = set(db.session.scalars(select(Payment.transaction_uuid)))
        db.session.remove()
    gateway = payment_gateway(app)
    return sum(1 for checkout in gateway.ledger.checkouts().values()
               if checkout.request["reference_number"] == reference and checkout.reply is not None
               and checkout.request["transaction_uuid"] in attempts and checkout.reply.get("decision") == "ACCEPT")


# --- where the database goes away -------------------------------------------------------------

@contextlib.contextmanager
def stop_at(point: str, app, private_pg, monkeypatch, outage):
    """The database goes away at `point` of the reply path, and is back when the block ends."""
    if point == "before_the_reply":
        with outage():
            yield
        return
    if point == "at_commit":
        def stop(session):
            private_pg.stop()
        event.listen(db.session, "before_commit", stop, once=True)
    elif point == "while_fulfilling":
        real_fulfil = engine.fulfil

        def stop_then_fulfil(*args, **kwargs):
            private_pg.stop()
            return real_fulfil(*args, **kwargs)
        monkeypatch.setattr(engine, "fulfil", stop_then_fulfil)
    try:
        yield
    finally:
        if point == "while_fulfilling":
            monkeypatch.setattr(engine, "fulfil", real_fulfil)
        if not _running(private_pg):
            private_pg.start()


def replay(how: str, app, client, reply: dict, reference: str) -> None:
    if how == "browser":
        assert deliver(app, reply).status_code == 303
    elif how == "notification":
        assert deliver(app, reply, "/payments/notify").status_code == 200
    elif how == "reconciliation":
        saved, app.config["RECONCILE_AFTER_MINUTES"] = app.config["RECONCILE_AFTER_MINUTES"], 0  # now
        try:
            assert run_now(app, "reconcile_payments").counts == {"orders": 1, "settled": 1}
        finally:
            app.config["RECONCILE_AFTER_MINUTES"] = saved
    elif how == "pay_again":
        refused = pay_again(client, reference)
        assert refused.status_code == 409 and "cannot be paid any more" in text(refused)
    elif how == "receipt":
        page = text(client.get(f"/services/receipt/{reference}"))
        assert 'id="outcome"' in page and 'id="pay-form"' not in page


@pytest.mark.parametrize("point, how", [
    ("before_the_reply", "browser"),
    ("at_commit", "notification"),
    ("while_fulfilling", "reconciliation"),
    ("at_commit", "pay_again"),
    ("before_the_reply", "receipt"),
])
def test_an_accepted_payment_the_portal_could_not_record_settles_its_order_once(
        app, hashmi, private_pg, monkeypatch, outage, point, how):
    reply = pay_on_sandbox(hashmi, checkout(hashmi, app))  # the gateway has taken the money
    reference = reference_of(app)
    with stop_at(point, app, private_pg, monkeypatch, outage):
        refused = deliver(app, reply)
        assert refused.status_code == 503 and 'id="reply-not-recorded"' in text(refused)
        assert "could not be recorded" in text(refused) and "Traceback" not in text(refused)
        if point == "before_the_reply":
            assert deliver(app, reply, "/payments/notify").status_code == 503
    assert state(app) == ("pending_payment", ["pending"], dt.date(2018, 3, 19))  # nothing half-recorded

    replay(how, app, hashmi, reply, reference)
    assert state(app) == ("fulfilled", ["accepted"], RENEWED)
    # Every other way back changes nothing more, and the member was charged once.
    deliver(app, reply)
    deliver(app, reply, "/payments/notify")
    assert pay_again(hashmi, reference).status_code == 409
    assert state(app) == ("fulfilled", ["accepted"], RENEWED)
    assert charges_at_gateway(app, reference) == 1


def test_a_second_charge_is_flagged_as_a_duplicate_for_staff(app, hashmi, client, outage):
    first_page = checkout(hashmi, app)
    reference = reference_of(app)
    second_page = text(pay_again(hashmi, reference))  # the first tab is still open, unpaid
    assert 'id="gateway-form"' in second_page
    first_reply = pay_on_sandbox(hashmi, first_page)
    second_reply = pay_on_sandbox(hashmi, second_page)  # both tabs paid: charged twice
    assert deliver(app, second_reply).status_code == 303
    assert state(app) == ("fulfilled", ["superseded", "accepted"], RENEWED)
    with outage():
        assert deliver(app, first_reply).status_code == 503  # the first tab's reply is lost

    saved, app.config["RECONCILE_AFTER_MINUTES"] = app.config["RECONCILE_AFTER_MINUTES"], 0
    try:
        assert run_now(app, "reconcile_payments").counts == {"orders": 1, "duplicate": 1}
        assert run_now(app, "reconcile_payments").counts == {"orders": 0}  # answered: not asked again
    finally:
        app.config["RECONCILE_AFTER_MINUTES"] = saved
    assert state(app) == ("fulfilled", ["duplicate", "accepted"], RENEWED)  # renewed once
    assert deliver(app, first_reply).status_code == 303  # the browser's late retry changes nothing
    assert state(app) == ("fulfilled", ["duplicate", "accepted"], RENEWED)
    assert charges_at_gateway(app, reference) == 2
    assert 'id="duplicate-payment"' in text(hashmi.get(f"/services/receipt/{reference}"))
    with app.app_context():
        duplicate = db.session.scalar(select(Payment).where(Payment.status == "duplicate"))
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "duplicate_payment"))
        assert entry.entity_id == str(duplicate.id) and entry.after["reference"] == reference
        transaction_uuid = duplicate.transaction_uuid
        db.session.remove()

    # Staff and auditors see it in its own list; a member does not.
    assert hashmi.get("/duplicatepaymentview/list/").status_code in (302, 403)
    for username, role in (("clerk", "Staff"), ("inspector", "Auditor")):
        make_user(app, username, role)
        login(client, username)
        listing = client.get("/duplicatepaymentview/list/")
        assert listing.status_code == 200 and reference in text(listing)
        client.get("/logout/")
    with app.app_context():
        assert db.session.scalar(select(Payment.transaction_uuid).where(Payment.status == "accepted")) \
            != transaction_uuid
        db.session.remove()


def test_a_late_acceptance_on_a_fulfilled_order_is_a_duplicate_never_silent(app, hashmi):
    first_page = checkout(hashmi, app)
    reference = reference_of(app)
    second_page = text(pay_again(hashmi, reference))
    first_reply = pay_on_sandbox(hashmi, first_page)
    assert deliver(app, first_reply, "/payments/notify").status_code == 200
    assert state(app) == ("fulfilled", ["accepted", "superseded"], RENEWED)
    # The second tab, left open on the hosted page, is paid after the request was completed.
    second_reply = pay_on_sandbox(hashmi, second_page)
    assert deliver(app, second_reply).status_code == 303
    assert state(app) == ("fulfilled", ["accepted", "duplicate"], RENEWED)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "duplicate_payment")) is not None
        db.session.remove()


def test_pay_is_not_offered_while_the_gateway_cannot_say_what_became_of_the_earlier_attempt(
        app, hashmi, monkeypatch):
    pay_on_sandbox(hashmi, checkout(hashmi, app))  # charged; the reply never came back
    reference = reference_of(app)
    gateway = payment_gateway(app)

    def unreachable(reference_number, transaction_uuid):
        raise GatewayQueryFailed("the transaction search did not answer")
    monkeypatch.setattr(gateway, "query", unreachable)
    page = text(hashmi.get(f"/services/receipt/{reference}"))
    assert 'id="payment-being-checked"' in page and 'id="pay-form"' not in page
    refused = hashmi.post(f"/services/orders/{reference}/pay", data={"csrf_token": csrf_for(hashmi, app)})
    assert refused.status_code == 409 and "could not be checked" in text(refused)
    assert state(app) == ("pending_payment", ["pending"], dt.date(2018, 3, 19))

    monkeypatch.undo()  # the gateway answers again: the receipt page settles the order
    page = text(hashmi.get(f"/services/receipt/{reference}"))
    assert 'id="outcome"' in page and 'id="pay-form"' not in page
    assert state(app) == ("fulfilled", ["accepted"], RENEWED)
