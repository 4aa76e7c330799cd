"""The sandbox hosted page driven end to end: four steps, signed replies, notify, no card data."""
import logging
import os
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from app.adapters.payments import Decision, SandboxNotAllowedInProduction
from app.adapters.payments.sandbox_pages import init_sandbox_pages

from .helpers import NOW, build_app, csrf_of, expected_for, make_order, read_form

ACCEPTED = "4111 1111 1111 1111"
DECLINED = "4000 0000 0000 0002"


def open_checkout(client, gateway, order):
    action, fields = gateway.checkout_form(order)
    response = client.post(action, data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def fill_billing(client, billing_url, **changes):
    page = client.get(billing_url).get_data(as_text=True)
    _, fields = read_form(page, "billing-form")
    assert fields["country"] == "OM"
    fields.update(changes)
    return client.post(billing_url, data=fields)


def pay_with(client, payment_url, card, cvn="123", month="12", year="2020", card_type="001"):
    page = client.get(payment_url).get_data(as_text=True)
    return client.post(payment_url, data={"csrf_token": csrf_of(page), "card_type": card_type,
                                          "card_number": card, "cvn": cvn, "month": month,
                                          "year": year})


def walk_to_review(client, gateway, order, card):
    billing_url = open_checkout(client, gateway, order)
    payment_url = fill_billing(client, billing_url).headers["Location"]
    response = pay_with(client, payment_url, card)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def confirm(client, review_url):
    page = client.get(review_url).get_data(as_text=True)
    receipt_url = client.post(review_url, data={"csrf_token": csrf_of(page)}).headers["Location"]
    return client.get(receipt_url).get_data(as_text=True)


def files_text(directory) -> str:
    return "".join(path.read_text(encoding="utf-8", errors="replace")
                   for path in Path(directory).rglob("*") if path.is_file())


def test_accepted_card_walks_the_four_steps(make_app, notify_server, caplog):
    caplog.set_level(logging.DEBUG)
    app, gateway = make_app()
    order = make_order(notify_url=notify_server.url)
    app.config["ORDERS"][order.reference_number] = expected_for(order)
    client = app.test_client()

    billing_url = open_checkout(client, gateway, order)
    billing = client.get(billing_url).get_data(as_text=True)
    assert "Your order" in billing and "50.000 OMR" in billing
    assert 'aria-current="step">Billing<' in billing
    for value in ("ALISAID", "ALJahdami", "Muscat", "Rwui", "99416689", "ali@chamberoman.com"):
        assert f'value="{value}"' in billing
    assert '<option value="OM" selected>Oman</option>' in billing

    response = fill_billing(client, billing_url, city="Ruwi")
    assert response.status_code == 303
    payment_url = response.headers["Location"]
    payment = client.get(payment_url).get_data(as_text=True)
    assert ACCEPTED in payment and DECLINED in payment
    assert 'aria-current="step">Payment<' in payment
    assert "Visa" in payment and "Mastercard" in payment and "Cancel order" in payment

    response = pay_with(client, payment_url, ACCEPTED)
    review_url = response.headers["Location"]
    review = client.get(review_url).get_data(as_text=True)
    assert "xxxxxxxxxxxx1111" in review and "Ruwi" in review
    assert ACCEPTED.replace(" ", "") not in review

    receipt = confirm(client, review_url)
    assert 'aria-current="step">Receipt<' in receipt
    assert "Your payment was approved." in receipt
    action, reply = read_form(receipt, "merchant-reply")
    assert action == order.receipt_url

    result = gateway.verify_reply(reply, expected_for(order))
    assert result.decision is Decision.ACCEPT and result.settles
    assert result.amount_baisa == 50000
    assert reply["req_bill_to_address_city"] == "Ruwi"
    assert reply["req_card_number"] == "xxxxxxxxxxxx1111"
    assert "req_card_number" not in result.safe_fields

    # The auto-submitted form reaches the merchant's CSRF-exempt receipt and verifies there.
    merchant = client.post(action, data=reply)
    assert merchant.status_code == 200 and merchant.json["decision"] == "ACCEPT"

    # The server-to-server notification carries the very same signed reply.
    assert notify_server.received == [reply]
    assert gateway.verify_reply(notify_server.received[0], expected_for(order)).settles

    queried = gateway.query(order.reference_number, order.transaction_uuid)
    assert queried == result
    assert gateway.query(order.reference_number, "another-attempt") is None

    for text in (files_text(app.instance_path), caplog.text):
        assert "4111111111111111" not in text and ACCEPTED not in text


def test_declined_card_replies_decline(make_app, notify_server):
    app, gateway = make_app()
    order = make_order(notify_url=notify_server.url)
    client = app.test_client()
    receipt = confirm(client, walk_to_review(client, gateway, order, DECLINED))
    assert "Your card was declined." in receipt
    action, reply = read_form(receipt, "merchant-reply")
    result = gateway.verify_reply(reply, expected_for(order))
    assert result.decision is Decision.DECLINE and not result.settles
    assert result.reason_code == "203"
    assert notify_server.received == [reply]
    assert "4000000000000002" not in files_text(app.instance_path)


def test_cancel_order_replies_cancel_to_the_cancel_page(make_app, notify_server):
    app, gateway = make_app()
    order = make_order(notify_url=notify_server.url)
    app.config["ORDERS"][order.reference_number] = expected_for(order)
    client = app.test_client()
    billing_url = open_checkout(client, gateway, order)
    payment_url = fill_billing(client, billing_url).headers["Location"]
    page = client.get(payment_url).get_data(as_text=True)
    cancel_action, cancel_fields = read_form(page, "cancel-order")
    receipt_url = client.post(cancel_action, data=cancel_fields).headers["Location"]
    receipt = client.get(receipt_url).get_data(as_text=True)
    assert "You cancelled the order." in receipt
    action, reply = read_form(receipt, "merchant-reply")
    assert action == order.cancel_url
    assert "req_card_number" not in reply
    assert gateway.verify_reply(reply, expected_for(order)).decision is Decision.CANCEL
    assert client.post(action, data=reply).json["decision"] == "CANCEL"
    assert notify_server.received == [reply]
    # Once answered, every step leads back to the receipt; nothing can be paid any more.
    assert client.get(payment_url).headers["Location"].endswith("/receipt")


def test_other_cards_are_refused_with_a_message(make_app, caplog):
    caplog.set_level(logging.DEBUG)
    app, gateway = make_app()
    client = app.test_client()
    billing_url = open_checkout(client, gateway, make_order())
    payment_url = fill_billing(client, billing_url).headers["Location"]
    response = pay_with(client, payment_url, "4242 4242 4242 4242", month="07")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This sandbox only takes the test cards listed on this page." in page
    assert "4242 4242 4242 4242" not in page and "4242424242424242" not in page
    assert '<option value="07" selected>' in page
    assert client.get(payment_url.replace("/payment", "/review")).status_code == 303
    assert "4242" not in files_text(app.instance_path) + caplog.text


def test_expired_card_is_refused_by_the_injected_clock(make_app):
    app, gateway = make_app()
    client = app.test_client()
    billing_url = open_checkout(client, gateway, make_order())
    payment_url = fill_billing(client, billing_url).headers["Location"]
    page = pay_with(client, payment_url, ACCEPTED, month="02", year="2018").get_data(as_text=True)
    assert "The card has expired." in page


def test_billing_needs_every_field(make_app):
    app, gateway = make_app()
    client = app.test_client()
    billing_url = open_checkout(client, gateway, make_order())
    response = fill_billing(client, billing_url, email="not-an-email", phone="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address." in page and "This field is required." in page


def test_pressing_pay_twice_answers_once(make_app, notify_server):
    app, gateway = make_app()
    client = app.test_client()
    review_url = walk_to_review(client, gateway, make_order(notify_url=notify_server.url),
                                ACCEPTED)
    page = client.get(review_url).get_data(as_text=True)
    token = csrf_of(page)
    first = client.post(review_url, data={"csrf_token": token})
    second = client.post(review_url, data={"csrf_token": token})
    assert first.headers["Location"] == second.headers["Location"]
    replies = [r for r in gateway.ledger.records() if r["kind"] == "reply"]
    assert len(replies) == 1 and len(notify_server.received) == 1


def test_forms_without_the_csrf_token_are_refused(make_app):
    app, gateway = make_app()
    client = app.test_client()
    billing_url = open_checkout(client, gateway, make_order())
    response = client.post(billing_url, data={"first_name": "X"})
    assert response.status_code == 400
    assert gateway.ledger.checkout(billing_url.split("/")[-2]).billing["first_name"] == "ALISAID"


def test_the_sandbox_checks_its_own_token_without_csrfprotect(make_app):
    app, gateway = make_app(csrf=False)
    client = app.test_client()
    billing_url = open_checkout(client, gateway, make_order())
    response = client.post(billing_url, data={"first_name": "X", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "This form has expired." in response.get_data(as_text=True)


@pytest.mark.parametrize("tamper, message", [
    (lambda f: f.update(amount="0.050"), "not signed correctly"),
    (lambda f: f.update(csrf_token="x"), "csrf_token is missing or not valid"),
    (lambda f: f.pop("signature"), "signature is missing or not valid"),
])
def test_tampered_requests_are_refused(make_app, tamper, message):
    app, gateway = make_app()
    _, fields = gateway.checkout_form(make_order())
    tamper(fields)
    response = app.test_client().post("/sandbox-gateway/pay", data=fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert gateway.ledger.records() == []


def test_a_stale_request_is_refused(make_app):
    app, gateway = make_app(clock=lambda: NOW + timedelta(minutes=16))
    stale_app, stale_gateway = make_app()
    _, fields = stale_gateway.checkout_form(make_order())
    response = app.test_client().post("/sandbox-gateway/pay", data=fields)
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)


def test_resubmitting_the_same_request_resumes_and_a_reused_uuid_is_refused(make_app):
    app, gateway = make_app()
    client = app.test_client()
    action, fields = gateway.checkout_form(make_order())
    first = client.post(action, data=fields).headers["Location"]
    assert client.post(action, data=fields).headers["Location"] == first
    _, other = gateway.checkout_form(make_order(amount_baisa=4000))
    response = client.post(action, data=other)
    assert response.status_code == 400
    assert "already been submitted" in response.get_data(as_text=True)


def test_a_failed_notification_does_not_stop_the_customer(make_app, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}/notify"
    app, gateway = make_app()
    order = make_order(notify_url=dead_url)
    client = app.test_client()
    receipt = confirm(client, walk_to_review(client, gateway, order, ACCEPTED))
    _, reply = read_form(receipt, "merchant-reply")
    assert gateway.verify_reply(reply, expected_for(order)).settles
    assert "notification for REN-2018-000123 failed" in caplog.text


def test_a_notification_refused_by_the_merchant_is_logged(make_app, notify_server, caplog):
    notify_server.status = 500
    app, gateway = make_app()
    client = app.test_client()
    receipt = confirm(client, walk_to_review(client, gateway,
                                             make_order(notify_url=notify_server.url), ACCEPTED))
    assert "Your payment was approved." in receipt
    assert "answered HTTP 500" in caplog.text


def test_two_workers_share_one_ledger(make_app, tmp_path):
    app_one, gateway_one = make_app()
    app_two, gateway_two = make_app()  # same instance folder, as two gunicorn workers
    order = make_order()
    billing_url = open_checkout(app_one.test_client(), gateway_one, order)
    client = app_two.test_client()
    payment_url = fill_billing(client, billing_url).headers["Location"]
    review_url = pay_with(client, payment_url, ACCEPTED).headers["Location"]
    _, reply = read_form(confirm(client, review_url), "merchant-reply")
    assert gateway_one.verify_reply(reply, expected_for(order)).settles
    assert gateway_one.query(order.reference_number, order.transaction_uuid).settles


def test_arabic_checkout_is_right_to_left_and_translated(make_app, translations_dir):
    _, catalog = translations_dir
    app, gateway = make_app()
    client = app.test_client()
    billing_url = open_checkout(client, gateway, make_order(locale="ar"))
    page = client.get(billing_url).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page
    for msgid in ("Billing information", "Total amount", "Cancel order"):
        assert catalog[msgid].string in page
    assert "50.000 OMR" in page
    assert '<option value="OM" selected>عُمان</option>' in page


def test_the_sandbox_pages_refuse_production(tmp_path, translations_dir):
    with pytest.raises(SandboxNotAllowedInProduction):
        build_app(tmp_path / "instance", translations_dir, env_name="production")


def test_registration_refuses_production_even_with_a_gateway_made_earlier(make_app):
    _, gateway = make_app()
    from flask import Flask
    app = Flask("production_app")
    app.config["ENV_NAME"] = "production"
    with pytest.raises(SandboxNotAllowedInProduction):
        init_sandbox_pages(app, gateway)
    assert "sandbox_gateway" not in app.blueprints
    assert os.environ.get("GHURFA_ENV") != "production"
