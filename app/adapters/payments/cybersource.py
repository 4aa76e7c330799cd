"""CyberSource Secure Acceptance Hosted Checkout, with transaction search to reconcile."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Callable

from .base import (
    CURRENCY_EXPONENTS, Decision, GatewayConfigurationError, GatewayReply, InvalidCheckoutRequest,
)
from .base import parse_amount
from .secure_acceptance import SecureAcceptanceForms, scrub_card_numbers
from .refunds import CyberSourceRefundClient, RefundRequest, RefundResult, refund_in_summaries
from .transaction_search import TransactionSearchClient

TEST_ENDPOINT = "https://testsecureacceptance.cybersource.com/pay"

# Reason codes -> decision, as Secure Acceptance reports them. 100 is the only settlement;
# partial approval (110) and the soft declines that still hold an authorisation go to staff.
_REVIEW_CODES = frozenset({"110", "200", "201", "230", "480", "520"})
_ERROR_CODES = frozenset({"101", "102", "104", "150", "151", "152"})
# Only payment services count; a refund (ics_credit) with reason 100 is not a payment.
_PAYMENT_APPLICATIONS = frozenset({"ics_auth", "ics_bill"})
_REFUND_APPLICATIONS = frozenset({"ics_credit", "ics_auth_reversal", "ics_void"})
_DECISION_RANK = {Decision.ACCEPT: 0, Decision.REVIEW: 1, Decision.DECLINE: 2,
                  Decision.ERROR: 3, Decision.CANCEL: 4}
_QUERY_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,49}")


def decision_for_reason(reason_code: str) -> Decision:
    if reason_code == "100":
        return Decision.ACCEPT
    if reason_code in _REVIEW_CODES:
        return Decision.REVIEW
    if reason_code in _ERROR_CODES:
        return Decision.ERROR
    return Decision.DECLINE


def _uuid_of(summary: dict) -> str | None:
    for item in summary.get("merchantDefinedInformation") or []:
        if isinstance(item, dict) and str(item.get("key")) == "1":
            return item.get("value")
    return None


def reply_from_summary(summary: dict) -> GatewayReply | None:
    """A GatewayReply for one payment summary; None if it is not a payment we can read."""
    application = summary.get("applicationInformation") or {}
    names = {app.get("name") for app in application.get("applications") or []
             if isinstance(app, dict)}
    if not names & _PAYMENT_APPLICATIONS or names & _REFUND_APPLICATIONS:
        return None
    amounts = (summary.get("orderInformation") or {}).get("amountDetails") or {}
    currency = amounts.get("currency") or ""
    if currency not in CURRENCY_EXPONENTS:
        return None
    try:
        amount_baisa = parse_amount(str(amounts.get("totalAmount") or ""), currency)
    except ValueError:
        return None
    reason_code = str(application.get("reasonCode") or "")
    reference = (summary.get("clientReferenceInformation") or {}).get("code") or ""
    transaction_id = str(summary.get("id") or "")
    message = scrub_card_numbers(str(application.get("rFlag") or ""))
    safe = {"transaction_id": transaction_id, "reason_code": reason_code, "r_flag": message,
            "submit_time_utc": str(summary.get("submitTimeUtc") or ""),
            "req_reference_number": reference, "req_amount": str(amounts.get("totalAmount")),
            "req_currency": currency}
    return GatewayReply(
        decision=decision_for_reason(reason_code), reference=reference,
        transaction_uuid=_uuid_of(summary) or "", transaction_id=transaction_id,
        amount_baisa=amount_baisa, currency=currency, reason_code=reason_code,
        message=message, safe_fields=safe)


class CyberSourceGateway(SecureAcceptanceForms):
    """Posts to CyberSource's hosted checkout; asks Transaction Search when reconciling."""

    def __init__(self, *, access_key: str, profile_id: str, secret_key: str,
                 endpoint: str = TEST_ENDPOINT,
                 search_client: TransactionSearchClient | None = None,
                 refund_client: CyberSourceRefundClient | None = None,
                 clock: Callable[[], datetime] | None = None):
        super().__init__(access_key=access_key, profile_id=profile_id, secret_key=secret_key,
                         action_url=endpoint, clock=clock)
        self.search_client = search_client
        self.refund_client = refund_client

    def refund(self, request: RefundRequest) -> RefundResult:
        if self.refund_client is None:
            raise GatewayConfigurationError("CyberSource refunds are not configured")
        return self.refund_client.refund(request)

    def find_refund(self, refund_reference: str) -> RefundResult | None:
        """Asks transaction search whether a refund with this reference went through."""
        if self.search_client is None:
            raise GatewayConfigurationError("CyberSource transaction search is not configured")
        if not _QUERY_SAFE.fullmatch(refund_reference or ""):
            raise InvalidCheckoutRequest("reference_number")
        return refund_in_summaries(self.search_client.search_by_reference(refund_reference), refund_reference)

    def query(self, reference_number: str, transaction_uuid: str) -> GatewayReply | None:
        """The best payment found for this attempt: ACCEPT before REVIEW before the rest.

        A summary counts only if its reference matches and its merchant-defined data 1
        (sent at checkout) carries this transaction uuid.
        """
        if self.search_client is None:
            raise GatewayConfigurationError("CyberSource transaction search is not configured")
        if not _QUERY_SAFE.fullmatch(reference_number or ""):
            raise InvalidCheckoutRequest("reference_number")
        candidates = []
        for summary in self.search_client.search_by_reference(reference_number):
            reply = reply_from_summary(summary)
            if (reply is not None and reply.reference == reference_number
                    and reply.transaction_uuid == transaction_uuid):
                candidates.append(reply)
        if not candidates:
            return None
        return min(candidates, key=lambda reply: (_DECISION_RANK[reply.decision],
                                                  reply.safe_fields["submit_time_utc"]))
