"""Rate limits of the account pages: read from the configuration, keyed per client address or per account."""
from __future__ import annotations

import hashlib

from flask import current_app, g, request
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.extensions import limiter


def client_address() -> str:
    # Behind a proxy, ProxyFix (PROXY_FIX_HOPS) has already put the client's address here.
    return "addr:" + (get_remote_address() or "unknown")


def account_key() -> str:
    """The logged-in account (code entry), or the address when nobody is logged in."""
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return client_address()


def _typed(field: str) -> str:
    return (request.form.get(field) or "").strip().lower()[:254]


def typed_email_key() -> str:
    return "account:" + _typed("email")


def login_account_key() -> str:
    """The account a login attempt names (members type their email, staff their user name), in the
    login form or in the API login's JSON; the web and API logins share this key's limit."""
    from app.services.accounts.lockout import typed_account

    name = request.form.get("username")
    if name is None and request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) and isinstance(body.get("username"), str) else None
    if name is None:
        return client_address()  # nothing named (the API's token refresh): counted per address
    return "account:" + typed_account(name)


LOGIN_ACCOUNT_SCOPE = "login-account"


def login_account_limit():
    """The per-account limit of every password door, one bucket per account across all of them."""
    return limiter.shared_limit(lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"], scope=LOGIN_ACCOUNT_SCOPE,
                                key_func=login_account_key, methods=["POST"], deduct_when=attempt_counted)


def reset_token_key() -> str:
    token = (request.view_args or {}).get("token", "")
    return "reset:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def limit_from_config(setting: str, *, key_func, methods: list[str]):
    """limiter.limit() with its limit read from the configuration at request time."""
    return limiter.limit(lambda: current_app.config[setting], key_func=key_func, methods=methods)


# --- attempts: only a submission the page actually acts on counts --------------------------------

_COUNTED = "ghurfa_attempt_counted"


def count_attempt() -> None:
    """Marks this request as an attempt the account pages' limits count (a checked password, code, email).

    A form sent back for a missing or mistyped field is not an attempt: nothing was tried.
    """
    setattr(g, _COUNTED, True)


def attempt_counted(response) -> bool:
    """A page marked the attempt (count_attempt), or the API refused the credentials (401)."""
    return bool(g.get(_COUNTED, False)) or response.status_code == 401


def limit_attempts_from_config(setting: str, *, key_func, methods: list[str]):
    """Like limit_from_config, but counting only the requests that called count_attempt()."""
    return limiter.limit(lambda: current_app.config[setting], key_func=key_func, methods=methods,
                         deduct_when=attempt_counted)


def seconds_to_wait(error=None) -> int:
    """Seconds until the limit that refused this request lets the next one through (at least 1)."""
    import time

    current = limiter.current_limit
    if current is not None and current.breached:
        return max(1, int(current.reset_at - time.time()) + 1)
    retry_after = getattr(error, "retry_after", None)
    return max(1, int(retry_after)) if retry_after else 60


def wait_message(seconds: int, *, typed_kept: bool = True) -> str:
    """When the next try is allowed: a time of day in Muscat, to the second."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    at = dt.datetime.now(ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Muscat"))) + dt.timedelta(seconds=seconds)
    time = at.strftime("%H:%M:%S")
    if typed_kept:
        return gettext("Too many attempts. You can try again at %(time)s (Muscat time); what you typed is kept.",
                       time=time)
    return gettext("Too many attempts. You can try again at %(time)s (Muscat time).", time=time)
