"""The HTTP JSON client of the Ministry of Commerce registry API.

API (``base`` is ``REGISTRY_URL``, e.g. ``https://registry.example.om/api/v1``;
every request carries ``Authorization: Bearer <REGISTRY_API_KEY>`` when a key is set
and ``Accept: application/json``)::

    GET {base}/companies?civil_id=7324674
        200 {"companies": [<company>, ...]}      every company listing that signatory
    GET {base}/companies/1229237
        200 <company>
        404 {"error": "not_found"}                 no such CR number (this body exactly)
    GET {base}/changes?cursor=<opaque>&limit=1000  (no cursor: from the start)
        200 {"companies": [<company>, ...], "next_cursor": "<opaque>", "done": true}
        400 {"error": "invalid_cursor"}

    <company> = {
      "cr_number": "1229237",                      digits, as text
      "name_en": "promising projects",             may be ""
      "name_ar": "المشاريع الواعدة",
      "address": "Ruwi, Muttrah, Muscat Governorate, 423, 30",
      "governorate_code": "muscat",                one of records.GOVERNORATE_CODES
      "grade_code": "fourth",                      one of records.GRADE_CODES
      "status": "active",                          active|cancelled|expired|suspended
      "expires_on": "2027-03-19",                  CR expiry date, or null
      "updated_at": "2024-01-08T06:15:00Z",        ISO 8601 with a time zone
      "signatories": [{"civil_id": "1526575", "name_en": "...", "name_ar": "...",
                       "role": "owner"}]           role: records.SIGNATORY_ROLES
    }

Unknown keys are ignored. The changes feed is ordered by (updated_at, CR number);
the cursor marks the last company handed out, so a sync resumes where it stopped.

Errors: 404 ``{"error": "not_found"}`` on a company is ``None``. These raise :class:`RegistryUnavailable`: a
timeout (no connection within ``REGISTRY_CONNECT_TIMEOUT``, no byte for
``REGISTRY_TIMEOUT`` seconds, or the body still coming ``REGISTRY_TIMEOUT`` seconds
after the request started), a connection error, any other non-2xx status, and an
answer that is not the JSON above (:class:`MalformedRegistryData`, a subclass).
There are no retries here: the callers queue the work and try again later.
"""
from __future__ import annotations

import functools
import ipaddress
import json
import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3

from .base import ChangeBatch, CommercialRegistry, check_civil_id, check_cr_number, check_limit
from .errors import MalformedRegistryData, RegistryUnavailable, invalid_cursor
from .records import RegistryCompany, companies_from_json, company_from_json

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
# Far above any real answer (a page of 10,000 companies is a few MB); stops a
# misbehaving peer from filling the worker's memory.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
_NOT_FOUND = object()


def _log_malformed(method):
    """Log an answer that failed validation, whichever step found it."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except MalformedRegistryData as exc:
            log.warning("commercial registry answer malformed: %s", exc.detail)
            raise

    return wrapper


class HttpRegistry(CommercialRegistry):
    """Client of the registry's HTTP JSON API (``REGISTRY_BACKEND=http``)."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"REGISTRY_URL must be an http(s) URL, got {base_url!r}")
        if api_key and parts.scheme == "http" and not _is_loopback(parts.hostname):
            # The bearer token would cross the network in clear text.
            raise ValueError("REGISTRY_URL must use https when REGISTRY_API_KEY is set")
        if timeout <= 0 or (connect_timeout is not None and connect_timeout <= 0):
            raise ValueError("registry timeouts must be positive")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout) if connect_timeout else self.timeout
        self._headers = {"Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        # requests.Session is not documented as thread-safe: one per thread.
        self._local = threading.local()

    def __repr__(self) -> str:  # never show the key
        return f"HttpRegistry({self.base_url!r}, timeout={self.timeout})"

    @_log_malformed
    def companies_for_civil_id(self, civil_id: str) -> list[RegistryCompany]:
        civil_id = check_civil_id(civil_id)
        answer = self._get("/companies", {"civil_id": civil_id})
        companies = _company_list(answer, "companies")
        for company in companies:
            # A company that does not list this person must never reach the
            # caller: it would let them act for a company that is not theirs.
            if not company.has_signatory(civil_id):
                raise MalformedRegistryData(
                    f"/companies?civil_id: CR {company.cr_number} does not list the civil ID asked for"
                )
        return sorted(companies, key=lambda c: (int(c.cr_number), c.cr_number))

    @_log_malformed
    def company(self, cr_number: str) -> RegistryCompany | None:
        cr_number = check_cr_number(cr_number)
        answer = self._get(f"/companies/{cr_number}", None, not_found_ok=True)
        if answer is _NOT_FOUND:
            return None
        company = company_from_json(answer, "company")
        if company.cr_number != cr_number:
            raise MalformedRegistryData(
                f"/companies/{cr_number}: answered with CR {company.cr_number}"
            )
        return company

    @_log_malformed
    def changes_since(self, cursor: str | None, limit: int = 1000) -> ChangeBatch:
        limit = check_limit(limit)
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            if not isinstance(cursor, str) or not cursor:
                raise invalid_cursor(cursor)
            params["cursor"] = cursor
        answer = self._get("/changes", params, cursor_asked=cursor)
        companies = _company_list(answer, "changes")
        next_cursor, done = answer.get("next_cursor"), answer.get("done")
        if not isinstance(next_cursor, str) or not next_cursor or not isinstance(done, bool):
            raise MalformedRegistryData("changes: next_cursor (text) and done (true/false) expected")
        if len(companies) > limit:
            raise MalformedRegistryData(f"changes: {len(companies)} companies for a limit of {limit}")
        return ChangeBatch(companies=companies, next_cursor=next_cursor, done=done)

    # --- transport ------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers.update(self._headers)
        return session

    def _get(self, path: str, params: dict | None, not_found_ok: bool = False,
             cursor_asked: str | None = None) -> Any:
        url = self.base_url + path
        deadline = time.monotonic() + self.timeout
        try:
            with self._session().get(
                url, params=params, timeout=(self.connect_timeout, self.timeout),
                stream=True, allow_redirects=False,
            ) as response:
                status = response.status_code
                body = _read_before(response, deadline, url)
        except requests.ConnectTimeout as exc:
            raise self._unavailable(f"GET {url}: no connection within {self.connect_timeout}s") from exc
        except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError) as exc:
            raise self._unavailable(f"GET {url}: no answer within {self.timeout}s") from exc
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            # While the body is read, urllib3 and socket errors come through as they are.
            raise self._unavailable(f"GET {url}: {type(exc).__name__}: {exc}") from exc

        if status == 404 and not_found_ok:
            # Only the registry's own "not found" means no such company: a 404 from a
            # proxy or a wrong REGISTRY_URL path must not pass as "no company".
            if _error_code(body) == "not_found":
                return _NOT_FOUND
            raise self._unavailable(f"GET {url}: HTTP 404 without the registry's not_found answer")
        if status == 400 and cursor_asked is not None and _error_code(body) == "invalid_cursor":
            raise invalid_cursor(cursor_asked)
        if not 200 <= status < 300:
            raise self._unavailable(f"GET {url}: HTTP {status}")
        try:
            return json.loads(body)
        except ValueError as exc:
            raise MalformedRegistryData(f"GET {url}: answer is not JSON ({exc})") from exc

    def _unavailable(self, detail: str) -> RegistryUnavailable:
        log.warning("commercial registry unavailable: %s", detail)
        return RegistryUnavailable(detail)


def _read_before(response: requests.Response, deadline: float, url: str) -> bytes:
    """The whole body, or Timeout if it is not in by the deadline.

    requests' read timeout only bounds each wait on the socket: a peer that drips a
    byte at a time could hold the worker for ever without this total deadline.
    ``read1`` returns whatever has arrived, so the deadline is checked as it goes.
    """
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise requests.Timeout(f"answer from {url} not complete in time")
        chunk = response.raw.read1(65536, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise requests.RequestException(f"answer larger than {MAX_ANSWER_BYTES} bytes")


def _company_list(answer: Any, where: str) -> list[RegistryCompany]:
    if not isinstance(answer, dict) or not isinstance(answer.get("companies"), list):
        raise MalformedRegistryData(f'{where}: expected an object {{"companies": [...]}}')
    return companies_from_json(answer["companies"], f"{where}.companies")


def _error_code(body: bytes) -> str | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer.get("error") if isinstance(answer, dict) else None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
