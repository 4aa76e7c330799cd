"""The embedded sandbox gateway: CyberSource's hosted checkout played by Ghurfa itself."""
from __future__ import annotations

import logging
import re
import secrets
import uuid
from datetime import date, datetime, timedelta
from typing import Callable, Mapping
from urllib.parse import urlsplit

import requests
from flask_babel import lazy_gettext as _l

from .base import (
    CURRENCY_EXPONENTS, Decision, GatewayReply, PaymentGatewayError, SandboxNotAllowedInProduction,
    parse_amount,
)
from .refunds import RefundRefused, RefundRequest, RefundResult
from .sandbox_ledger import SandboxCheckout, SandboxLedger, fold_checkouts
from .secure_acceptance import (
    LOCALES, REQUEST_SIGNED_FIELDS, SecureAcceptanceForms, read_signed_reply,
)
from .signing import (
    format_signed_date, parse_signed_date, signature_matches, signed_names, with_signature,
)

log = logging.getLogger(__name__)

DEFAULT_ACTION_URL = "/sandbox-gateway/pay"
# The published test cards; any other number is refused on the page.
TEST_CARDS = {"4111111111111111": Decision.ACCEPT, "4000000000000002": Decision.DECLINE}
CARD_TYPES = {"001": "Visa", "002": "Mastercard"}
# A signed request older (or newer) than this is refused, as a replayed form would be.
REQUEST_MAX_AGE = timedelta(minutes=15)
BILLING_FIELDS = ("first_name", "last_name", "address", "city", "country", "phone", "email")
_BILL_TO = {"first_name": "bill_to_forename", "last_name": "bill_to_surname",
            "address": "bill_to_address_line1", "city": "bill_to_address_city",
            "country": "bill_to_address_country", "phone": "bill_to_phone",
            "email": "bill_to_email"}
_OUTCOMES = {
    Decision.ACCEPT: ("100", "Request was processed successfully."),
    Decision.DECLINE: ("203", "General decline of the card. No other information was "
                              "provided by the issuing bank."),
    Decision.CANCEL: ("0", "The customer cancelled the transaction."),
}


class SandboxRequestRejected(PaymentGatewayError):
    """The merchant's signed request was refused, as CyberSource would refuse it."""

    def __init__(self, message, detail: str):
        super().__init__(detail)
        self.message = message


class CardRefused(PaymentGatewayError):
    """A payment-details entry the sandbox will not take; says which field and why."""

    def __init__(self, field_name: str, message):
        super().__init__(f"card refused: {field_name}")
        self.field = field_name
        self.message = message


class BillingRefused(PaymentGatewayError):
    """Billing information with missing or malformed fields; `problems` maps field to message."""

    message = _l("Please correct the highlighted fields.")

    def __init__(self, problems: dict):
        super().__init__("billing refused: " + ", ".join(sorted(problems)))
        self.problems = problems


def check_billing(billing: Mapping[str, str]) -> dict:
    problems = {key: _l("This field is required.") for key in BILLING_FIELDS
                if not billing.get(key)}
    email = billing.get("email", "")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        problems["email"] = _l("Enter a valid email address.")
    country = billing.get("country", "")
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        problems["country"] = _l("Choose a country.")
    return problems


def _rejected_field(name: str) -> SandboxRequestRejected:
    return SandboxRequestRejected(
        _l("The payment request field %(field)s is missing or not valid.", field=name),
        f"request field {name} missing or invalid")


def _http_url(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def card_brand_matches(card_type: str, digits: str) -> bool:
    if card_type == "001":
        return digits.startswith("4")
    if card_type == "002":
        return digits[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(digits[:4]) <= 2720
    return False


def check_card(card_type: str, number: str, cvn: str, month: str, year: str,
               today: date) -> tuple[Decision, str]:
    """Validate the payment details; return the test card's outcome and its last four digits."""
    if card_type not in CARD_TYPES:
        raise CardRefused("card_type", _l("Choose the card type."))
    digits = re.sub(r"[ -]", "", number or "")
    if not digits:
        raise CardRefused("card_number", _l("Enter the card number."))
    if not re.fullmatch(r"[0-9]{12,19}", digits):
        raise CardRefused("card_number", _l("The card number is not valid."))
    if not card_brand_matches(card_type, digits):
        raise CardRefused("card_number", _l("The card number does not match the card type."))
    if not re.fullmatch(r"[0-9]{3,4}", cvn or ""):
        raise CardRefused("cvn", _l("Enter the 3 or 4 digit CVN."))
    if not (re.fullmatch(r"[0-9]{1,2}", month or "") and re.fullmatch(r"[0-9]{4}", year or "")
            and 1 <= int(month) <= 12):
        raise CardRefused("expiry", _l("Choose the expiry month and year."))
    if (int(year), int(month)) < (today.year, today.month):
        raise CardRefused("expiry", _l("The card has expired."))
    outcome = TEST_CARDS.get(digits)
    if outcome is None:
        raise CardRefused("card_number",
                          _l("This sandbox only takes the test cards listed on this page."))
    return outcome, digits[-4:]


class SandboxGateway(SecureAcceptanceForms):
    """Signs and checks forms like CyberSource and serves the hosted page itself."""

    def __init__(self, *, secret_key: str, store_dir: str, production: bool,
                 access_key: str = "ghurfa-sandbox", profile_id: str = "ghurfa-sandbox",
                 action_url: str = DEFAULT_ACTION_URL, notify_timeout: float = 5.0,
                 clock: Callable[[], datetime] | None = None,
                 http: requests.Session | None = None):
        if production:
            raise SandboxNotAllowedInProduction("the sandbox payment gateway refuses to run "
                                                "in production")
        super().__init__(access_key=access_key, profile_id=profile_id, secret_key=secret_key,
                         action_url=action_url, clock=clock)
        self.ledger = SandboxLedger(store_dir)
        self.notify_timeout = notify_timeout
        self._http = http or requests.Session()

    def now(self) -> datetime:
        return self._clock()

    # --- the merchant's request -------------------------------------------------

    def check_request(self, form: Mapping) -> dict[str, str]:
        """Verify a checkout request as the real gateway would; return its signed fields."""
        fields = {}
        for name in form.keys():
            if not isinstance(form[name], str):
                raise _rejected_field(name)
            fields[name] = form[name]
        for name in ("signature", "signed_field_names"):
            if not fields.get(name):
                raise _rejected_field(name)
        names = signed_names(fields)
        for name in names:
            if name not in fields:
                raise _rejected_field(name)
        if not signature_matches(fields, self._secret_key):
            raise SandboxRequestRejected(_l("The payment request is not signed correctly."),
                                         "request signature does not match")
        for name in REQUEST_SIGNED_FIELDS:
            if name not in names:
                raise _rejected_field(name)
        allowed = set(names) | set(filter(None, fields["unsigned_field_names"].split(","))) \
            | {"signature"}
        for name in fields:
            if name not in allowed:
                raise _rejected_field(name)
        signed = {name: fields[name] for name in names}
        if signed["access_key"] != self.access_key:
            raise _rejected_field("access_key")
        if signed["profile_id"] != self.profile_id:
            raise _rejected_field("profile_id")
        if signed["transaction_type"] != "sale":
            raise _rejected_field("transaction_type")
        if signed["locale"] not in LOCALES.values():
            raise _rejected_field("locale")
        if signed["currency"] not in CURRENCY_EXPONENTS:
            raise _rejected_field("currency")
        try:
            amount_ok = parse_amount(signed["amount"], signed["currency"]) > 0
        except ValueError:
            amount_ok = False
        if not amount_ok:
            raise _rejected_field("amount")
        try:
            signed_at = parse_signed_date(signed["signed_date_time"])
        except ValueError:
            raise _rejected_field("signed_date_time") from None
        if abs(self.now() - signed_at) > REQUEST_MAX_AGE:
            raise SandboxRequestRejected(
                _l("The payment request has expired. Return to the merchant and try again."),
                "request signed_date_time outside the allowed window")
        if not _http_url(signed.get("override_custom_receipt_page")):
            raise _rejected_field("override_custom_receipt_page")
        for name in ("override_custom_cancel_page", "override_backoffice_post_url"):
            if name in signed and not _http_url(signed[name]):
                raise _rejected_field(name)
        return signed

    def open_checkout(self, form: Mapping) -> str:
        """Record a verified request and return the id of its hosted-page session.

        The same signed request posted again (the customer pressed Back) resumes its
        session; another request reusing a transaction_uuid is refused.
        """
        signed = self.check_request(form)
        signature = form["signature"]
        record = {"kind": "checkout", "checkout_id": uuid.uuid4().hex,
                  "at": format_signed_date(self.now()),
                  "request": {**signed, "signature": signature},
                  "billing": {key: signed.get(name, "") for key, name in _BILL_TO.items()}}
        resumed: list[str] = []

        def decide(records):
            for checkout in fold_checkouts(records).values():
                if checkout.request["transaction_uuid"] != signed["transaction_uuid"]:
                    continue
                if checkout.request.get("signature") == signature and not checkout.finished:
                    resumed.append(checkout.checkout_id)
                    return []
                raise SandboxRequestRejected(_l("This transaction has already been submitted."),
                                             "transaction_uuid reused")
            return [record]

        self.ledger.update(decide)
        return resumed[0] if resumed else record["checkout_id"]

    # --- the customer's steps ---------------------------------------------------

    def checkout(self, checkout_id: str) -> SandboxCheckout | None:
        return self.ledger.checkout(checkout_id)

    def save_billing(self, checkout_id: str, billing: Mapping[str, str]) -> None:
        """Keep the billing block the customer confirmed; raise BillingRefused if incomplete."""
        billing = {key: (billing.get(key) or "").strip() for key in BILLING_FIELDS}
        problems = check_billing(billing)
        if problems:
            raise BillingRefused(problems)
        self.ledger.append({"kind": "billing", "checkout_id": checkout_id,
                            "billing": billing})

    def save_payment(self, checkout_id: str, card_type: str, card_number: str, cvn: str,
                     month: str, year: str) -> None:
        """Check the card and keep only its type, last four digits and outcome."""
        outcome, last_four = check_card(card_type, card_number, cvn, month, year,
                                        self.now().date())
        self.ledger.append({"kind": "payment", "checkout_id": checkout_id,
                            "payment": {"card_type": card_type, "last_four": last_four,
                                        "outcome": outcome.value}})

    def confirm(self, checkout_id: str) -> SandboxCheckout:
        """The customer pressed Pay: answer with the outcome of the card on record."""
        return self._finish(checkout_id, None)

    def cancel(self, checkout_id: str) -> SandboxCheckout:
        """The customer pressed Cancel order: answer CANCEL."""
        return self._finish(checkout_id, Decision.CANCEL)

    def _finish(self, checkout_id: str, decision: Decision | None) -> SandboxCheckout:
        """Write the signed reply once (a second click gets the first reply), then notify."""
        written: list[dict] = []

        def decide(records):
            checkout = fold_checkouts(records)[checkout_id]
            if checkout.finished:
                return []
            chosen = decision
            if chosen is None:
                if not checkout.payment:
                    return []  # nothing to confirm yet: the page sends the customer back
                chosen = Decision(checkout.payment["outcome"])
            reply = self.reply_fields(checkout, chosen)
            written.append(reply)
            return [{"kind": "reply", "checkout_id": checkout_id, "reply": reply}]

        self.ledger.update(decide)
        checkout = self.ledger.checkout(checkout_id)
        if written:
            log.info("sandbox gateway: %s answered %s", checkout.request["reference_number"],
                     written[0]["decision"])
            self.notify_merchant(checkout)
        return checkout

    def reply_fields(self, checkout: SandboxCheckout, decision: Decision) -> dict[str, str]:
        request, now = checkout.request, self.now()
        reason_code, message = _OUTCOMES[decision]
        fields = {
            "decision": decision.value,
            "reason_code": reason_code,
            "message": message,
            "transaction_id": str(secrets.randbelow(10 ** 22)).zfill(22),
            "req_access_key": request["access_key"],
            "req_profile_id": request["profile_id"],
            "req_transaction_uuid": request["transaction_uuid"],
            "req_reference_number": request["reference_number"],
            "req_amount": request["amount"],
            "req_currency": request["currency"],
            "req_locale": request["locale"],
            "req_transaction_type": request["transaction_type"],
        }
        # The billing block as the customer left it, echoed like CyberSource echoes it.
        fields.update({"req_" + _BILL_TO[key]: checkout.billing.get(key, "") for key in _BILL_TO})
        if checkout.payment and decision is not Decision.CANCEL:
            # Masked as CyberSource masks it; the merchant's parser drops it anyway.
            fields["req_card_number"] = "xxxxxxxxxxxx" + checkout.payment["last_four"]
            fields["req_card_type"] = checkout.payment["card_type"]
        if decision is Decision.ACCEPT:
            fields.update({"auth_code": f"{secrets.randbelow(10 ** 6):06d}",
                           "auth_amount": request["amount"], "auth_response": "00",
                           "auth_time": now.strftime("%Y-%m-%dT%H%M%SZ")})
        fields["signed_date_time"] = format_signed_date(now)
        return with_signature(fields, self._secret_key)

    def notify_merchant(self, checkout: SandboxCheckout) -> bool:
        """Best-effort server-to-server POST of the reply; a failure never stops the customer."""
        url = checkout.request.get("override_backoffice_post_url")
        if not url or checkout.reply is None:
            return False
        reference = checkout.request["reference_number"]
        try:
            response = self._http.post(url, data=checkout.reply, timeout=self.notify_timeout,
                                       allow_redirects=False)
        except requests.RequestException as exc:
            log.warning("sandbox gateway: notification for %s failed: %s", reference,
                        type(exc).__name__)
            return False
        if response.status_code >= 300:
            log.warning("sandbox gateway: notification for %s answered HTTP %s", reference,
                        response.status_code)
            return False
        return True

    # --- reconciliation ---------------------------------------------------------

    def query(self, reference_number: str, transaction_uuid: str) -> GatewayReply | None:
        for checkout in reversed(list(self.ledger.checkouts().values())):
            request = checkout.request
            if (checkout.reply is not None and request["reference_number"] == reference_number
                    and request["transaction_uuid"] == transaction_uuid):
                return read_signed_reply(checkout.reply, secret_key=self._secret_key)
        return None


    # --- refunds ----------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        """Pays back (part of) an accepted sandbox payment, once per refund reference."""

        def decide(records):
            for record in records:
                if record.get("kind") == "refund" and record.get("refund_reference") == request.refund_reference:
                    return []  # already done: the same answer again, nothing new
            paid = None
            for checkout in fold_checkouts(records).values():
                reply = checkout.reply or {}
                if (checkout.request.get("reference_number") == request.order_reference
                        and checkout.request.get("transaction_uuid") == request.transaction_uuid
                        and reply.get("decision") == Decision.ACCEPT.value):
                    paid = parse_amount(reply.get("req_amount") or "0", request.currency)
            if paid is None:
                raise RefundRefused("the sandbox took no such payment")
            refunded = sum(int(r["amount_baisa"]) for r in records if r.get("kind") == "refund"
                           and r.get("order_reference") == request.order_reference
                           and r.get("transaction_uuid") == request.transaction_uuid)
            if refunded + request.amount_baisa > paid:
                raise RefundRefused("more than was paid")
            return [{"kind": "refund", "refund_reference": request.refund_reference,
                     "order_reference": request.order_reference, "transaction_uuid": request.transaction_uuid,
                     "amount_baisa": request.amount_baisa, "refund_id": uuid.uuid4().hex,
                     "at": self.now().isoformat()}]

        self.ledger.update(decide)
        found = self.find_refund(request.refund_reference)
        log.info("sandbox refund %s of %s baisa for %s", request.refund_reference, request.amount_baisa,
                 request.order_reference)
        return found

    def find_refund(self, refund_reference: str) -> RefundResult | None:
        for record in self.ledger.records():
            if record.get("kind") == "refund" and record.get("refund_reference") == refund_reference:
                return RefundResult(refund_id=record["refund_id"], status="REFUNDED")
        return None
