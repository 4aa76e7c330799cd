"""Payment replies that must change nothing: tampered, replayed, amount-altered, unknown."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.adapters.payments.signing import with_signature
from app.extensions import db
from models import AuditEntry, Membership, Payment, ServiceOrder

from .helpers import (
    DECLINE_CARD, choose_membership, confirm, counts, deliver, pay_on_sandbox, post_form, text,
)

BASE = "/services/renewal"


def renewal_checkout(client, app, months="24"):
    choose_membership(client, app, BASE, "1445820", "91868", "7324674")
    post_form(client, f"{BASE}/period", {"months": months, "voucher_code": "", "step": "continue"})
    return text(confirm(client, BASE))


def resigned(app, reply: dict, **changes) -> dict:
    """The reply altered and signed again with the gateway's own secret (as if the gateway said so)."""
    fields = {k: v for k, v in reply.items() if k not in ("signature", "signed_field_names")}
    fields.update(changes)
    return with_signature(fields, app.config["SANDBOX_GATEWAY_SECRET"])


def expiry(app) -> dt.date:
    with app.app_context():
        value = db.session.scalar(select(Membership.expires_on).where(Membership.occi_number == "91868"))
        db.session.remove()
        return value


def test_a_tampered_reply_is_refused_and_changes_nothing(app, hashmi):
    declined = pay_on_sandbox(hashmi, renewal_checkout(hashmi, app), card=DECLINE_CARD)
    before = counts(app)
    forged = {**declined, "decision": "ACCEPT", "reason_code": "100"}
    for endpoint in ("/payments/receipt", "/payments/notify"):
        response = deliver(hashmi, forged, endpoint)
        assert response.status_code == 400
    assert "The payment reply could not be verified. The order was not changed." in text(
        deliver(hashmi, forged))
    assert counts(app) == before and expiry(app) == dt.date(2018, 3, 19)
    with app.app_context():
        assert db.session.scalar(select(Payment.status)) == "pending"
        db.session.remove()


def test_an_amount_altered_reply_is_refused(app, hashmi):
    reply = pay_on_sandbox(hashmi, renewal_checkout(hashmi, app))
    before = counts(app)
    assert deliver(hashmi, {**reply, "req_amount": "5.000"}).status_code == 400  # signature broken
    # Even correctly signed, a reply for another amount than the order's total is refused.
    response = deliver(hashmi, resigned(app, reply, req_amount="5.000"))
    assert response.status_code == 400
    assert "does not match the order (field req_amount)" in text(response)
    assert counts(app) == before and expiry(app) == dt.date(2018, 3, 19)
    # The genuine reply still settles the order.
    assert deliver(hashmi, reply).status_code == 303
    assert expiry(app) == dt.date(2020, 3, 19)


def test_a_reply_for_another_reference_or_an_unknown_attempt_is_refused(app, hashmi):
    reply = pay_on_sandbox(hashmi, renewal_checkout(hashmi, app))
    before = counts(app)
    response = deliver(hashmi, resigned(app, reply, req_reference_number="REN-2018-999999"))
    assert response.status_code == 400 and "req_reference_number" in text(response)
    response = deliver(hashmi, resigned(app, reply, req_transaction_uuid="00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 400
    assert "does not belong to any payment request" in text(response)
    assert deliver(hashmi, {}, "/payments/notify").status_code == 400
    assert counts(app) == before


def test_a_replayed_accept_does_not_pay_a_later_request(app, hashmi):
    first = pay_on_sandbox(hashmi, renewal_checkout(hashmi, app, months="12"))
    assert deliver(hashmi, first).status_code == 303
    assert expiry(app) == dt.date(2019, 3, 19)
    renewal_checkout(hashmi, app, months="12")  # a second renewal, unpaid
    before = counts(app)
    for endpoint in ("/payments/receipt", "/payments/notify"):
        assert deliver(hashmi, first, endpoint).status_code in (200, 303)
    assert counts(app) == before and expiry(app) == dt.date(2019, 3, 19)
    with app.app_context():
        assert [o.status for o in db.session.scalars(select(ServiceOrder).order_by(ServiceOrder.id))] == [
            "fulfilled", "pending_payment"]
        db.session.remove()


def test_no_card_data_is_kept(app, hashmi):
    reply = pay_on_sandbox(hashmi, renewal_checkout(hashmi, app))
    assert reply["req_card_number"].endswith("1111")  # the gateway's reply carries the masked card
    deliver(hashmi, reply)
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        assert payment.status == "accepted"
        assert not any(key.startswith(("req_card", "req_bill_to")) for key in payment.reply_fields)
        stored = " ".join(str(row) for row in db.session.execute(select(Payment.__table__)).all())
        stored += " ".join(str(row) for row in db.session.execute(select(AuditEntry.__table__)).all())
        assert "4111111111111111" not in stored and "xxxxxxxxxxxx1111" not in stored and "req_card" not in stored
        db.session.remove()
