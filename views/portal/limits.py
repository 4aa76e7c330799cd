"""Rate limits of the account pages: read from the configuration, keyed per client address or per account."""
from __future__ import annotations

import hashlib

from flask import current_app, request
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
    """The account a login attempt names (members type their email, staff their user name)."""
    return "account:" + _typed("username")


def reset_token_key() -> str:
    token = (request.view_args or {}).get("token", "")
    return "reset:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def limit_from_config(setting: str, *, key_func, methods: list[str]):
    """limiter.limit() with its limit read from the configuration at request time."""
    return limiter.limit(lambda: current_app.config[setting], key_func=key_func, methods=methods)
