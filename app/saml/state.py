"""What our SP keeps in the user's session: requests awaiting the IdP's answer, and the IdP session for logout."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import current_app, session, url_for

PENDING_KEY = "saml_pending"
SSO_KEY = "saml_sso"
LOGOUT_KEY = "saml_logout"
# Kept across a session rotation: the visitor's language choice, nothing that carries identity.
KEEP_ON_ROTATE = ("locale",)
# An answer to a request older than this is refused; a few tabs may each wait for one.
PENDING_TTL = dt.timedelta(minutes=15)
MAX_PENDING = 5


@dataclass(frozen=True)
class PendingRequest:
    """An AuthnRequest this session sent: why (login or step-up), where to go next, and for which company."""

    request_id: str
    purpose: str
    return_to: str
    company_id: int | None
    issued_at: dt.datetime


def _epoch(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.timezone.utc).timestamp())


def _from_epoch(value: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, dt.timezone.utc).replace(tzinfo=None)


def remember_request(request_id: str, purpose: str, return_to: str, now: dt.datetime,
                     company_id: int | None = None) -> None:
    pending = dict(session.get(PENDING_KEY) or {})
    pending[request_id] = {"purpose": purpose, "return_to": return_to, "company_id": company_id,
                           "at": _epoch(now)}
    # Keep only the newest few: a session cannot grow without bound by starting logins.
    newest = sorted(pending.items(), key=lambda item: item[1]["at"])[-MAX_PENDING:]
    session[PENDING_KEY] = dict(newest)


def take_request(request_id: str, now: dt.datetime) -> PendingRequest | None:
    """The pending request with this id, removed from the session (an answer is accepted once)."""
    pending = dict(session.get(PENDING_KEY) or {})
    entry = pending.pop(request_id, None)
    session[PENDING_KEY] = pending
    if not isinstance(entry, dict):
        return None
    issued_at = _from_epoch(entry["at"])
    if now - issued_at > PENDING_TTL:
        return None
    return PendingRequest(request_id=request_id, purpose=entry["purpose"], return_to=entry["return_to"],
                          company_id=entry.get("company_id"), issued_at=issued_at)


def rotate_session() -> None:
    """A fresh session for a new identity: nothing of the old one survives but the language."""
    kept = {key: session[key] for key in KEEP_ON_ROTATE if key in session}
    session.clear()
    session.update(kept)


def remember_sso(*, name_id: str | None, name_id_format: str | None, nq: str | None, spnq: str | None,
                 session_index: str | None, civil_id: str) -> None:
    """What a LogoutRequest to the IdP must name to end this person's IdP session."""
    session[SSO_KEY] = {"name_id": name_id, "name_id_format": name_id_format, "nq": nq, "spnq": spnq,
                        "session_index": session_index, "civil_id": civil_id}


def sso() -> dict | None:
    value = session.get(SSO_KEY)
    return dict(value) if isinstance(value, dict) else None


def safe_return_path(value: str | None, config: Mapping | None = None) -> str | None:
    """`value` as a path on this site, or None: never another host, scheme or a protocol-relative URL."""
    if not value or len(value) > 2000:
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        base = urlsplit(str((config or current_app.config)["PUBLIC_BASE_URL"]))
        if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
            return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def dashboard_path() -> str:
    """The member's e-services dashboard, or the home page until the portal provides one."""
    for endpoint in ("MemberPortalView.dashboard",):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return "/"
