"""Types shared by the payment gateways: checkout requests, replies, errors, money text."""
from __future__ import annotations

import abc
import enum
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from flask_babel import lazy_gettext as _l

# Minor units per currency. The chamber charges in Omani rials only (1 OMR = 1000 baisa).
CURRENCY_EXPONENTS = MappingProxyType({"OMR": 3})

# ASCII digits only: `\d` would also accept Arabic-Indic digits, which int() converts.
_AMOUNT_TEXT = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,6}))?")


class Decision(str, enum.Enum):
    """The gateway's verdict on one checkout, as Secure Acceptance names it."""

    ACCEPT = "ACCEPT"
    REVIEW = "REVIEW"
    DECLINE = "DECLINE"
    CANCEL = "CANCEL"
    ERROR = "ERROR"


# --- errors -----------------------------------------------------------------

class PaymentGatewayError(Exception):
    """Base of every payment gateway error; `message` is translatable for the user."""

    message = _l("The payment could not be processed. Please try again later.")

    def __init__(self, detail: str = ""):
        super().__init__(detail or self.__class__.__name__)


class GatewayConfigurationError(PaymentGatewayError):
    message = _l("The payment gateway is not configured correctly.")


class SandboxNotAllowedInProduction(GatewayConfigurationError):
    message = _l("The sandbox payment gateway cannot run in production.")


class InvalidCheckoutRequest(PaymentGatewayError):
    """The order handed to the gateway cannot be sent (bad amount, currency, URL...)."""

    def __init__(self, field_name: str, detail: str = ""):
        self.field = field_name
        super().__init__(detail or f"invalid checkout field {field_name}")

    @property
    def message(self):
        return _l("The payment request is invalid (field %(field)s).", field=self.field)


class ReplyError(PaymentGatewayError):
    """A gateway reply that must not change any order."""

    message = _l("The payment reply could not be verified. The order was not changed.")


class ReplySignatureInvalid(ReplyError):
    def __init__(self, detail: str = "the reply signature does not match"):
        super().__init__(detail)


class ReplyMissingField(ReplyError):
    def __init__(self, field_name: str):
        self.field = field_name
        super().__init__(f"reply field {field_name} is missing or not signed")

    @property
    def message(self):
        return _l("The payment reply lacks the signed field %(field)s. The order was not changed.",
                  field=self.field)


class ReplyMismatch(ReplyError):
    def __init__(self, field_name: str):
        self.field = field_name
        super().__init__(f"reply field {field_name} does not match the order")

    @property
    def message(self):
        return _l("The payment reply does not match the order (field %(field)s). "
                  "The order was not changed.", field=self.field)


class GatewayQueryFailed(PaymentGatewayError):
    message = _l("The payment gateway could not be asked about this transaction. "
                 "Try again later.")


# --- money ------------------------------------------------------------------

def currency_exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise ValueError(f"unsupported currency {currency!r}") from None


def format_amount(amount_baisa: int, currency: str = "OMR") -> str:
    """50000 baisa -> "50.000": the text Secure Acceptance expects in `amount`."""
    exponent = currency_exponent(currency)
    if isinstance(amount_baisa, bool) or not isinstance(amount_baisa, int) or amount_baisa < 0:
        raise ValueError(f"amount must be a whole number of minor units, not {amount_baisa!r}")
    whole, minor = divmod(amount_baisa, 10 ** exponent)
    return f"{whole}.{minor:0{exponent}d}"


def parse_amount(text: str, currency: str = "OMR") -> int:
    """"50.000" -> 50000 baisa; raises ValueError for anything else than a plain decimal."""
    exponent = currency_exponent(currency)
    match = _AMOUNT_TEXT.fullmatch(text or "")
    if not match:
        raise ValueError(f"not an amount: {text!r}")
    whole, minor = match.group(1), match.group(2) or ""
    if len(minor) > exponent:
        if set(minor[exponent:]) != {"0"}:
            raise ValueError(f"amount {text!r} has more than {exponent} decimals")
        minor = minor[:exponent]
    return int(whole) * 10 ** exponent + int(minor.ljust(exponent, "0"))


# --- requests and replies ---------------------------------------------------

@dataclass(frozen=True)
class BillingDetails:
    """The payer's billing block, prefilled on the hosted page (country: ISO 3166 alpha-2)."""

    first_name: str
    last_name: str
    email: str
    phone: str
    address: str
    city: str
    country: str = "OM"


@dataclass(frozen=True)
class CheckoutRequest:
    """One payment attempt for one order, as the merchant side wants it sent."""

    reference_number: str
    transaction_uuid: str
    amount_baisa: int
    currency: str
    locale: str  # 'en' or 'ar'
    billing: BillingDetails
    receipt_url: str
    notify_url: str | None = None
    cancel_url: str | None = None


@dataclass(frozen=True)
class ExpectedPayment:
    """What the stored order says the reply must carry.

    `access_key` may be left None to expect the gateway's configured key; pass the key
    that was used at checkout if keys can rotate between checkout and reply.
    """

    reference_number: str
    transaction_uuid: str
    amount_baisa: int
    currency: str = "OMR"
    access_key: str | None = None


@dataclass(frozen=True)
class GatewayReply:
    """A verified gateway verdict. Holds no card data: `safe_fields` is a whitelist."""

    decision: Decision
    reference: str
    transaction_uuid: str
    transaction_id: str
    amount_baisa: int
    currency: str
    reason_code: str
    message: str
    safe_fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def settles(self) -> bool:
        """Only ACCEPT marks the order paid."""
        return self.decision is Decision.ACCEPT

    @property
    def held_for_review(self) -> bool:
        """REVIEW: the money may be taken, but staff must decide before the order is paid."""
        return self.decision is Decision.REVIEW


def ensure_matches(reply: GatewayReply, expected: ExpectedPayment) -> GatewayReply:
    """Raise ReplyMismatch unless the reply is about exactly the expected order and sum."""
    checks = (
        ("req_reference_number", reply.reference, expected.reference_number),
        ("req_transaction_uuid", reply.transaction_uuid, expected.transaction_uuid),
        ("req_currency", reply.currency, expected.currency),
        ("req_amount", reply.amount_baisa, expected.amount_baisa),
    )
    for name, got, wanted in checks:
        if got != wanted:
            raise ReplyMismatch(name)
    return reply


class PaymentGateway(abc.ABC):
    """A hosted payment page: build the signed form, verify replies, ask about a transaction."""

    @abc.abstractmethod
    def checkout_form(self, order: CheckoutRequest) -> tuple[str, dict[str, str]]:
        """Return (action URL, fields) for an auto-submitting POST form to the hosted page."""

    @abc.abstractmethod
    def verify_reply(self, form: Mapping[str, str], expected: ExpectedPayment) -> GatewayReply:
        """Check the reply's signature and its match with the order; raise a ReplyError if not."""

    @abc.abstractmethod
    def query(self, reference_number: str, transaction_uuid: str) -> GatewayReply | None:
        """Ask the gateway what became of a transaction; None when it knows of none.

        The caller still compares amount and currency with its order (`ensure_matches`).
        """

    def refund(self, request):
        """Refund (part of) a payment this gateway took; RefundResult, or RefundFailed / RefundRefused."""
        raise GatewayConfigurationError(f"{type(self).__name__} cannot refund")

    def find_refund(self, refund_reference: str):
        """The refund the gateway holds under this reference (RefundResult), or None if it holds none."""
        raise GatewayConfigurationError(f"{type(self).__name__} cannot look up refunds")
