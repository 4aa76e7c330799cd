"""Secure Acceptance Hosted Checkout forms: the signed request and the verified reply."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Callable, Mapping
from urllib.parse import urlsplit

from .base import (
    CURRENCY_EXPONENTS, CheckoutRequest, Decision, ExpectedPayment, GatewayConfigurationError,
    GatewayReply, InvalidCheckoutRequest, PaymentGateway, ReplyMismatch, ReplyMissingField,
    ReplySignatureInvalid, ensure_matches, format_amount, parse_amount,
)
from .signing import format_signed_date, signature_matches, signed_names, with_signature

# Our two languages as Secure Acceptance spells them.
LOCALES = {"en": "en-us", "ar": "ar-xn"}

# Fields a hosted checkout request must sign (the gateway refuses the request otherwise).
REQUEST_SIGNED_FIELDS = (
    "access_key", "profile_id", "transaction_uuid", "signed_field_names",
    "unsigned_field_names", "signed_date_time", "locale", "transaction_type",
    "reference_number", "amount", "currency",
)

# Every reply field we rely on; a reply that does not sign all of them is refused.
REPLY_SIGNED_FIELDS = (
    "decision", "req_reference_number", "req_transaction_uuid", "req_amount",
    "req_currency", "req_access_key", "transaction_id", "reason_code",
    "signed_field_names", "signed_date_time",
)

# What may be kept of a reply (audit trail). A whitelist: any field not named here,
# notably req_card_number, req_card_expiry_date, req_card_type and the bill_to block,
# is dropped, whatever new fields the gateway starts sending.
SAFE_REPLY_FIELDS = frozenset({
    "decision", "reason_code", "message", "transaction_id",
    "req_reference_number", "req_transaction_uuid", "req_amount", "req_currency",
    "req_access_key", "req_profile_id", "req_transaction_type", "req_locale",
    "auth_code", "auth_amount", "auth_time", "auth_response", "auth_trans_ref_no",
    "signed_date_time",
})

# A run of 13-19 digits (spaces or dashes allowed) in free text could be a card number.
_PAN_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,49}")
_UUID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,49}")
_COUNTRY = re.compile(r"[A-Z]{2}")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _check_url(name: str, url: str | None, required: bool) -> None:
    if not url:
        if required:
            raise InvalidCheckoutRequest(name, f"{name} is required")
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidCheckoutRequest(name, f"{name} must be an absolute http(s) URL")


def validate_checkout(order: CheckoutRequest) -> None:
    """Raise InvalidCheckoutRequest for an order the hosted page could not take."""
    if not _REFERENCE.fullmatch(order.reference_number or ""):
        raise InvalidCheckoutRequest("reference_number")
    if not _UUID.fullmatch(order.transaction_uuid or ""):
        raise InvalidCheckoutRequest("transaction_uuid")
    if order.currency not in CURRENCY_EXPONENTS:
        raise InvalidCheckoutRequest("currency", f"unsupported currency {order.currency!r}")
    if (isinstance(order.amount_baisa, bool) or not isinstance(order.amount_baisa, int)
            or order.amount_baisa <= 0):
        raise InvalidCheckoutRequest("amount_baisa", "amount must be a positive integer")
    if order.locale not in LOCALES:
        raise InvalidCheckoutRequest("locale", "locale must be 'en' or 'ar'")
    if not _COUNTRY.fullmatch(order.billing.country or ""):
        raise InvalidCheckoutRequest("billing.country", "country must be an ISO 3166 alpha-2 code")
    _check_url("receipt_url", order.receipt_url, required=True)
    _check_url("cancel_url", order.cancel_url, required=False)
    _check_url("notify_url", order.notify_url, required=False)


def checkout_fields(order: CheckoutRequest, *, access_key: str, profile_id: str,
                    secret_key: str, now: datetime) -> dict[str, str]:
    """The signed hidden fields of a hosted checkout form (all fields signed)."""
    validate_checkout(order)
    billing = order.billing
    fields = {
        "access_key": access_key,
        "profile_id": profile_id,
        "transaction_uuid": order.transaction_uuid,
        "unsigned_field_names": "",
        "signed_date_time": format_signed_date(now),
        "locale": LOCALES[order.locale],
        "transaction_type": "sale",
        "reference_number": order.reference_number,
        "amount": format_amount(order.amount_baisa, order.currency),
        "currency": order.currency,
        "bill_to_forename": billing.first_name.strip(),
        "bill_to_surname": billing.last_name.strip(),
        "bill_to_email": billing.email.strip(),
        "bill_to_phone": billing.phone.strip(),
        "bill_to_address_line1": billing.address.strip(),
        "bill_to_address_city": billing.city.strip(),
        "bill_to_address_country": billing.country,
        "override_custom_receipt_page": order.receipt_url,
        # Transaction search finds transactions by reference; this carries the attempt's
        # uuid into the merchant-defined data it returns, so one attempt can be told apart.
        "merchant_defined_data1": order.transaction_uuid,
    }
    if order.cancel_url:
        fields["override_custom_cancel_page"] = order.cancel_url
    if order.notify_url:
        fields["override_backoffice_post_url"] = order.notify_url
    return with_signature(fields, secret_key)


def _plain_fields(form: Mapping) -> dict[str, str]:
    """First value of every field (a MultiDict gives its first), refusing non-text values."""
    plain = {}
    for name in form.keys():
        value = form[name]
        if not isinstance(value, str):
            raise ReplyMismatch(name)
        plain[name] = value
    return plain


def scrub_card_numbers(text: str) -> str:
    return _PAN_LIKE.sub("[removed]", text)


def read_signed_reply(form: Mapping, *, secret_key: str) -> GatewayReply:
    """Verify a reply's signature over its own signed_field_names and type its content.

    Compares nothing with an order: see `verify_signed_reply`.
    """
    fields = _plain_fields(form)
    for name in ("signature", "signed_field_names"):
        if not fields.get(name):
            raise ReplyMissingField(name)
    names = signed_names(fields)
    for name in names:
        if name not in fields:
            raise ReplyMissingField(name)
    if not signature_matches(fields, secret_key):
        raise ReplySignatureInvalid()
    listed = set(names)
    for name in REPLY_SIGNED_FIELDS:
        if name not in listed:
            raise ReplyMissingField(name)
    try:
        decision = Decision(fields["decision"])
    except ValueError:
        raise ReplyMismatch("decision") from None
    currency = fields["req_currency"]
    if currency not in CURRENCY_EXPONENTS:
        raise ReplyMismatch("req_currency")
    try:
        amount_baisa = parse_amount(fields["req_amount"], currency)
    except ValueError:
        raise ReplyMismatch("req_amount") from None
    # `message` is only trusted if signed; otherwise it is not shown at all.
    message = scrub_card_numbers(fields.get("message", "")) if "message" in listed else ""
    safe = {name: fields[name] for name in names if name in SAFE_REPLY_FIELDS}
    if "message" in safe:
        safe["message"] = message
    return GatewayReply(
        decision=decision,
        reference=fields["req_reference_number"],
        transaction_uuid=fields["req_transaction_uuid"],
        transaction_id=fields["transaction_id"],
        amount_baisa=amount_baisa,
        currency=currency,
        reason_code=fields["reason_code"],
        message=message,
        safe_fields=safe,
    )


def verify_signed_reply(form: Mapping, *, secret_key: str, access_key: str,
                        expected: ExpectedPayment) -> GatewayReply:
    """read_signed_reply, then insist the reply is for our profile and this very order."""
    reply = read_signed_reply(form, secret_key=secret_key)
    if reply.safe_fields.get("req_access_key") != access_key:
        raise ReplyMismatch("req_access_key")
    return ensure_matches(reply, expected)


class SecureAcceptanceForms(PaymentGateway):
    """Request signing and reply checking shared by CyberSource and the sandbox."""

    def __init__(self, *, access_key: str, profile_id: str, secret_key: str, action_url: str,
                 clock: Callable[[], datetime] | None = None):
        for name, value in (("access key", access_key), ("profile id", profile_id),
                            ("secret key", secret_key), ("checkout URL", action_url)):
            if not value:
                raise GatewayConfigurationError(f"the payment gateway {name} is not set")
        self.access_key = access_key
        self.profile_id = profile_id
        self._secret_key = secret_key
        self.action_url = action_url
        self._clock = clock or _utcnow

    def checkout_form(self, order: CheckoutRequest) -> tuple[str, dict[str, str]]:
        fields = checkout_fields(order, access_key=self.access_key, profile_id=self.profile_id,
                                 secret_key=self._secret_key, now=self._clock())
        return self.action_url, fields

    def verify_reply(self, form: Mapping, expected: ExpectedPayment) -> GatewayReply:
        return verify_signed_reply(form, secret_key=self._secret_key,
                                   access_key=expected.access_key or self.access_key,
                                   expected=expected)

    def __repr__(self) -> str:  # never show the secret
        return f"<{type(self).__name__} profile={self.profile_id!r} url={self.action_url!r}>"
