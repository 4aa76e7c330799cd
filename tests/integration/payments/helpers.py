"""Helpers for the sandbox gateway tests: the tiny app, orders and an HTML form reader."""
import os
import re
from datetime import datetime, timezone
from html.parser import HTMLParser

from flask import Flask, jsonify, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from app.adapters.payments import (
    BillingDetails, CheckoutRequest, ExpectedPayment, ReplyError, SandboxGateway,
)
from app.adapters.payments.sandbox_pages import init_sandbox_pages

NOW = datetime(2018, 3, 19, 8, 30, tzinfo=timezone.utc)
SECRET = "sandbox-secret-for-tests"


def build_app(instance_dir, translations, *, csrf=True, env_name="development", clock=None):
    app = Flask("sandbox_test_app", instance_path=str(instance_dir))
    app.config.update(SECRET_KEY="test-session-key", ENV_NAME=env_name,
                      BABEL_TRANSLATION_DIRECTORIES=translations[0], ORDERS={})
    Babel(app, locale_selector=lambda: "en")
    if csrf:
        CSRFProtect(app)
    gateway = SandboxGateway(secret_key=SECRET, production=False, clock=clock or (lambda: NOW),
                             store_dir=os.path.join(app.instance_path, "sandbox-gateway"))
    init_sandbox_pages(app, gateway)

    # The merchant side, as the portal will have it: a CSRF-exempt receipt authenticated
    # by the reply's signature.
    def merchant_receipt():
        order = app.config["ORDERS"][request.form.get("req_reference_number")]
        try:
            reply = gateway.verify_reply(request.form, order)
        except ReplyError as exc:
            return jsonify(error=type(exc).__name__), 400
        return jsonify(decision=reply.decision.value, amount_baisa=reply.amount_baisa,
                       safe_fields=dict(reply.safe_fields))

    app.add_url_rule("/merchant/receipt", "merchant_receipt", merchant_receipt, methods=["POST"])
    app.add_url_rule("/merchant/cancelled", "merchant_cancelled", merchant_receipt,
                     methods=["POST"])
    if csrf:
        app.extensions["csrf"].exempt(merchant_receipt)
    return app, gateway


def make_order(notify_url=None, reference="REN-2018-000123", locale="en", amount_baisa=50000,
               transaction_uuid="0c1f4a7e-2b1d-4c55-9d0e-6f2a1b3c4d5e"):
    return CheckoutRequest(
        reference_number=reference, transaction_uuid=transaction_uuid,
        amount_baisa=amount_baisa, currency="OMR", locale=locale,
        billing=BillingDetails(first_name="ALISAID", last_name="ALJahdami",
                               email="ali@chamberoman.com", phone="99416689",
                               address="Muscat", city="Rwui", country="OM"),
        receipt_url="http://localhost/merchant/receipt",
        cancel_url="http://localhost/merchant/cancelled", notify_url=notify_url)


def expected_for(order):
    return ExpectedPayment(order.reference_number, order.transaction_uuid, order.amount_baisa,
                           order.currency)


class FormReader(HTMLParser):
    """Collects every form's action and its named inputs/selected options."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = attrs.get("id") or f"form{len(self.forms)}"
            self.forms[self._current] = {"action": attrs.get("action"), "fields": {}}
        elif not self._current:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.forms[self._current]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.forms[self._current]["fields"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def read_form(html: str, form_id: str) -> tuple[str, dict]:
    reader = FormReader()
    reader.feed(html)
    form = reader.forms[form_id]
    return form["action"], form["fields"]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
