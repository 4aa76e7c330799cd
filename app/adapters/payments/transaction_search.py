"""CyberSource Transaction Search (REST) client, signed with an HTTP Signature header.

Endpoint shape (CyberSource REST, "Create a search request"):

    POST {base_url}/tss/v2/searches
    v-c-merchant-id: <merchant id>
    Date: <RFC 7231 date>
    Host: <host[:port] of base_url>
    Digest: SHA-256=<base64 sha256 of the body>
    Signature: keyid="<key id>", algorithm="HmacSHA256",
               headers="host date (request-target) digest v-c-merchant-id",
               signature="<base64 HMAC-SHA256 of the signing string>"

    {"save": false, "name": "...", "timezone": "Asia/Muscat", "offset": 0, "limit": 100,
     "sort": "id:asc,submitTimeUtc:asc",
     "query": "clientReferenceInformation.code:<ref> AND "
              "submitTimeUtc:[NOW/DAY-30DAYS TO NOW/DAY+1DAY}"}

The signing string is one `name: value` line per name in `headers` ("(request-target)" is
"post /tss/v2/searches"), joined by newlines; the HMAC key is the base64-decoded shared
secret. The answer (201) lists `_embedded.transactionSummaries[]`, each with `id`,
`submitTimeUtc`, `clientReferenceInformation.code`, `merchantDefinedInformation[]`,
`applicationInformation.{reasonCode, rFlag, applications[].name}` and
`orderInformation.amountDetails.{totalAmount, currency}`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Callable
from urllib.parse import urlsplit

import requests

from .base import GatewayConfigurationError, GatewayQueryFailed

log = logging.getLogger(__name__)

SEARCH_PATH = "/tss/v2/searches"
SIGNED_HEADERS = ("host", "date", "(request-target)", "digest", "v-c-merchant-id")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def body_digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def signing_string(headers: dict[str, str], method: str, path: str) -> str:
    """The text an HTTP Signature covers, for the header names in SIGNED_HEADERS."""
    lines = []
    for name in SIGNED_HEADERS:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        else:
            lines.append(f"{name}: {headers[name]}")
    return "\n".join(lines)


class TransactionSearchClient:
    """Posts transaction searches to CyberSource's REST API and returns the summaries."""

    def __init__(self, base_url: str, merchant_id: str, key_id: str, shared_secret: str, *,
                 connect_timeout: float = 5.0, read_timeout: float = 20.0,
                 lookback_days: int = 30, clock: Callable[[], datetime] | None = None,
                 session: requests.Session | None = None):
        if not (base_url and merchant_id and key_id and shared_secret):
            raise GatewayConfigurationError("transaction search needs URL, merchant id, key id "
                                            "and shared secret")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise GatewayConfigurationError("the transaction search URL must be http(s)")
        try:
            self._key = base64.b64decode(shared_secret, validate=True)
        except (binascii.Error, ValueError):
            raise GatewayConfigurationError("the transaction search secret is not base64") from None
        self.url = base_url.rstrip("/") + SEARCH_PATH
        self.host = parts.netloc
        self.path = parts.path.rstrip("/") + SEARCH_PATH
        self.merchant_id = merchant_id
        self.key_id = key_id
        self.timeout = (connect_timeout, read_timeout)
        self.lookback_days = lookback_days
        self._clock = clock or _utcnow
        self._session = session or requests.Session()

    def signed_headers(self, body: bytes, path: str | None = None) -> dict[str, str]:
        """Headers signing a POST of `body` to `path` (the search's own path by default)."""
        headers = {
            "host": self.host,
            "date": format_datetime(self._clock().astimezone(timezone.utc), usegmt=True),
            "digest": body_digest(body),
            "v-c-merchant-id": self.merchant_id,
        }
        text = signing_string(headers, "POST", path or self.path)
        signature = base64.b64encode(
            hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()).decode("ascii")
        headers["signature"] = (f'keyid="{self.key_id}", algorithm="HmacSHA256", '
                                f'headers="{" ".join(SIGNED_HEADERS)}", signature="{signature}"')
        headers["content-type"] = "application/json"
        headers["accept"] = "application/hal+json;charset=utf-8"
        return headers

    def search_by_reference(self, reference_number: str) -> list[dict]:
        """Summaries of the transactions whose merchant reference code is `reference_number`.

        The reference is checked by the caller to hold only [A-Za-z0-9_.-], so it cannot
        change the query's meaning.
        """
        query = (f"clientReferenceInformation.code:{reference_number} AND "
                 f"submitTimeUtc:[NOW/DAY-{self.lookback_days}DAYS TO NOW/DAY+1DAY}}")
        payload = {"save": False, "name": "ghurfa-reconciliation", "timezone": "Asia/Muscat",
                   "query": query, "offset": 0, "limit": 100,
                   "sort": "id:asc,submitTimeUtc:asc"}
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        try:
            response = self._session.post(self.url, data=body, headers=self.signed_headers(body),
                                          timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("transaction search for %s failed: %s", reference_number,
                        type(exc).__name__)
            raise GatewayQueryFailed(f"transaction search failed: {type(exc).__name__}") from exc
        if response.status_code not in (200, 201):
            log.warning("transaction search for %s answered HTTP %s", reference_number,
                        response.status_code)
            raise GatewayQueryFailed(f"transaction search answered HTTP {response.status_code}")
        try:
            document = response.json()
            summaries = (document.get("_embedded") or {}).get("transactionSummaries") or []
        except (ValueError, AttributeError):
            raise GatewayQueryFailed("transaction search did not answer JSON") from None
        if not isinstance(summaries, list):
            raise GatewayQueryFailed("transaction search answer has no summary list")
        return [summary for summary in summaries if isinstance(summary, dict)]
