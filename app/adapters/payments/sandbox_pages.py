"""The sandbox gateway's hosted page (Billing, Payment, Review, Receipt) as a Flask blueprint."""
from __future__ import annotations

import re

from babel import Locale
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from . import is_production
from .base import (
    Decision, GatewayConfigurationError, SandboxNotAllowedInProduction, format_amount,
    parse_amount,
)
from .sandbox import (
    BILLING_FIELDS, CARD_TYPES, TEST_CARDS, BillingRefused, CardRefused, SandboxGateway,
    SandboxRequestRejected,
)

EXTENSION_KEY = "ghurfa_sandbox_gateway"
_CHECKOUT_ID = re.compile(r"[0-9a-f]{32}")
# Codes babel lists that are not countries one can bill to.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}

sandbox_pages = Blueprint("sandbox_gateway", __name__, url_prefix="/sandbox-gateway",
                          template_folder="../../templates")


def init_sandbox_pages(app, gateway: SandboxGateway) -> None:
    """Serve the sandbox hosted page from `app`. Call after CSRFProtect(app), if any.

    The entry POST is exempt from the app's CSRF check: it comes from the merchant's
    page and is authenticated by its signature. Every later form carries a token.
    """
    if is_production(app.config):
        raise SandboxNotAllowedInProduction("the sandbox payment pages refuse to run in production")
    if not isinstance(gateway, SandboxGateway):
        raise GatewayConfigurationError("the sandbox pages need the sandbox gateway")
    app.extensions[EXTENSION_KEY] = gateway
    app.register_blueprint(sandbox_pages)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(pay)


def _gateway() -> SandboxGateway:
    return current_app.extensions[EXTENSION_KEY]


@sandbox_pages.after_request
def _no_store(response):
    # Payment pages must not linger in caches or the browser's history.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _lang_of_request() -> str:
    return "ar" if request.form.get("locale", "").lower().startswith("ar") else "en"


def _error_page(message, lang: str, status: int = 400):
    with force_locale(lang):
        return render_template("sandbox_gateway/error.html", message=message, lang=lang,
                               dir="rtl" if lang == "ar" else "ltr", step=0), status


def _countries(lang: str) -> list[tuple[str, str]]:
    names = Locale.parse(lang).territories
    return sorted(((code, name) for code, name in names.items()
                   if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES),
                  key=lambda item: item[1])


def _page(template: str, checkout, step: int, **context):
    request_fields = checkout.request
    currency = request_fields["currency"]
    amount = format_amount(parse_amount(request_fields["amount"], currency), currency)
    with force_locale(checkout.lang):
        return render_template(
            f"sandbox_gateway/{template}", checkout=checkout, step=step, lang=checkout.lang,
            dir="rtl" if checkout.lang == "ar" else "ltr", amount=amount, currency=currency,
            csrf_token=generate_csrf(), card_types=CARD_TYPES, **context)


def _load(checkout_id: str):
    if not _CHECKOUT_ID.fullmatch(checkout_id):
        abort(404)
    checkout = _gateway().checkout(checkout_id)
    if checkout is None:
        abort(404)
    return checkout


def _form_is_fresh() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


_STALE_FORM = _l("This form has expired. Go back, reload the page and try again.")


@sandbox_pages.route("/pay", methods=["POST"])
def pay():
    """Entry point: the merchant's signed form arrives here, as at CyberSource's /pay."""
    try:
        checkout_id = _gateway().open_checkout(request.form)
    except SandboxRequestRejected as exc:
        return _error_page(exc.message, _lang_of_request())
    return redirect(url_for(".billing", checkout_id=checkout_id), 303)


@sandbox_pages.route("/<checkout_id>/billing", methods=["GET", "POST"])
def billing(checkout_id: str):
    checkout = _load(checkout_id)
    if checkout.finished:
        return redirect(url_for(".receipt", checkout_id=checkout_id), 303)
    values, problems = dict(checkout.billing), {}
    if request.method == "POST":
        if not _form_is_fresh():
            return _error_page(_STALE_FORM, checkout.lang)
        values = {key: request.form.get(key, "").strip() for key in BILLING_FIELDS}
        try:
            _gateway().save_billing(checkout_id, values)
        except BillingRefused as exc:
            problems = exc.problems
        else:
            return redirect(url_for(".payment", checkout_id=checkout_id), 303)
    return _page("billing.html", checkout, 1, values=values, problems=problems,
                 countries=_countries(checkout.lang))


@sandbox_pages.route("/<checkout_id>/payment", methods=["GET", "POST"])
def payment(checkout_id: str):
    checkout = _load(checkout_id)
    if checkout.finished:
        return redirect(url_for(".receipt", checkout_id=checkout_id), 303)
    # The card number and CVN are never sent back to the browser, not even after an error.
    values, problem = {"card_type": "001", "month": "", "year": ""}, None
    if request.method == "POST":
        if not _form_is_fresh():
            return _error_page(_STALE_FORM, checkout.lang)
        values = {key: request.form.get(key, "") for key in ("card_type", "month", "year")}
        try:
            _gateway().save_payment(checkout_id, values["card_type"],
                                    request.form.get("card_number", ""),
                                    request.form.get("cvn", ""), values["month"], values["year"])
        except CardRefused as exc:
            problem = exc
        else:
            return redirect(url_for(".review", checkout_id=checkout_id), 303)
    this_year = _gateway().now().year
    return _page("payment.html", checkout, 2, values=values, problem=problem,
                 years=[str(year) for year in range(this_year, this_year + 11)],
                 months=[f"{month:02d}" for month in range(1, 13)],
                 test_cards=[(number, decision) for number, decision in TEST_CARDS.items()])


@sandbox_pages.route("/<checkout_id>/review", methods=["GET", "POST"])
def review(checkout_id: str):
    checkout = _load(checkout_id)
    if checkout.finished:
        return redirect(url_for(".receipt", checkout_id=checkout_id), 303)
    if not checkout.payment:
        return redirect(url_for(".payment", checkout_id=checkout_id), 303)
    if request.method == "POST":
        if not _form_is_fresh():
            return _error_page(_STALE_FORM, checkout.lang)
        _gateway().confirm(checkout_id)
        return redirect(url_for(".receipt", checkout_id=checkout_id), 303)
    return _page("review.html", checkout, 3, countries=dict(_countries(checkout.lang)))


@sandbox_pages.route("/<checkout_id>/cancel", methods=["POST"])
def cancel(checkout_id: str):
    checkout = _load(checkout_id)
    if not _form_is_fresh():
        return _error_page(_STALE_FORM, checkout.lang)
    _gateway().cancel(checkout_id)
    return redirect(url_for(".receipt", checkout_id=checkout_id), 303)


@sandbox_pages.route("/<checkout_id>/receipt")
def receipt(checkout_id: str):
    """The last step: tell the customer the outcome and post the signed reply to the merchant."""
    checkout = _load(checkout_id)
    if not checkout.finished:
        return redirect(url_for(".billing", checkout_id=checkout_id), 303)
    reply = checkout.reply
    target = checkout.request["override_custom_receipt_page"]
    if reply["decision"] == Decision.CANCEL.value:
        target = checkout.request.get("override_custom_cancel_page") or target
    return _page("receipt.html", checkout, 4, reply=reply, target=target,
                 decision=reply["decision"])

