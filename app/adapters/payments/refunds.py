"""Refunds through the gateway that took the payment: the request, the answer, and the REST client for CyberSource.

CyberSource REST "Refund a payment":

    POST {base_url}/pts/v2/payments/{payment id}/refunds
    (signed like transaction search: Date, Host, Digest, v-c-merchant-id, HTTP Signature HmacSHA256)

    {"clientReferenceInformation": {"code": "<refund reference>"},
     "orderInformation": {"amountDetails": {"totalAmount": "25.000", "currency": "OMR"}}}

answers 201 with {"id": "<refund id>", "status": "PENDING", ...}. A refund is found again by
transaction search on its reference (an `ics_credit` with reason 100), which is how a retry
after a timeout learns that the first attempt went through, so a refund is never sent twice.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

import requests

from .base import PaymentGatewayError, format_amount
from .transaction_search import SEARCH_PATH, TransactionSearchClient

log = logging.getLogger(__name__)

_ID_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class RefundRequest:
    refund_reference: str  # ours, unique; the gateway keeps it with the refund
    order_reference: str
    transaction_uuid: str  # the payment attempt's
    gateway_transaction_id: str  # the gateway's id of the payment
    amount_baisa: int
    currency: str = "OMR"


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str


class RefundFailed(PaymentGatewayError):
    """The gateway did not answer, or failed: the refund may be tried again later."""


class RefundRefused(PaymentGatewayError):
    """The gateway refused the refund outright: trying again would not help."""


class CyberSourceRefundClient(TransactionSearchClient):
    """Posts refunds to CyberSource's REST API, signed with the REST key exactly as transaction search is."""

    @property
    def base_path(self) -> str:
        return self.path[:-len(SEARCH_PATH)]

    @property
    def base_url(self) -> str:
        return self.url[:-len(SEARCH_PATH)]

    def refund(self, request: RefundRequest) -> RefundResult:
        if not _ID_SAFE.fullmatch(request.gateway_transaction_id or ""):
            raise RefundRefused("the payment has no gateway transaction id to refund")
        path = f"{self.base_path}/pts/v2/payments/{request.gateway_transaction_id}/refunds"
        payload = {"clientReferenceInformation": {"code": request.refund_reference},
                   "orderInformation": {"amountDetails": {
                       "totalAmount": format_amount(request.amount_baisa, request.currency),
                       "currency": request.currency}}}
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        try:
            response = self._session.post(self.base_url + path[len(self.base_path):], data=body,
                                          headers=self.signed_headers(body, path), timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("refund %s: no answer from the gateway (%s)", request.refund_reference, type(exc).__name__)
            raise RefundFailed(f"no answer from the gateway: {type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise RefundFailed(f"the gateway answered HTTP {response.status_code}")
        if response.status_code not in (200, 201):
            raise RefundRefused(f"the gateway refused the refund: HTTP {response.status_code}")
        try:
            document = response.json()
        except ValueError:
            raise RefundFailed("the gateway's answer is not JSON") from None
        status = str(document.get("status") or "")
        if status in ("DECLINED", "INVALID_REQUEST"):
            raise RefundRefused(f"the gateway refused the refund: {status}")
        return RefundResult(refund_id=str(document.get("id") or "")[:64], status=status or "PENDING")


def refund_in_summaries(summaries: list[dict], refund_reference: str) -> RefundResult | None:
    """A completed refund (ics_credit, reason 100) with this reference among transaction summaries."""
    for summary in summaries:
        application = summary.get("applicationInformation") or {}
        names = {app.get("name") for app in application.get("applications") or [] if isinstance(app, dict)}
        code = (summary.get("clientReferenceInformation") or {}).get("code")
        if "ics_credit" in names and code == refund_reference and str(application.get("reasonCode")) == "100":
            return RefundResult(refund_id=str(summary.get("id") or "")[:64], status="FOUND")
    return None
