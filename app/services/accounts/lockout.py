"""The account lockout shared by every password door (the login form and the API's JWT login).

LOGIN_LOCKOUT_FAILURES failed logins naming one account within LOGIN_LOCKOUT_MINUTES lock that
account for the rest of the window, whoever asks and from wherever; a success clears the count.
The counts live in the rate limiter's storage (Redis in production), so every worker sees them.
The key is the name as typed, so an unknown name locks exactly like a known one and tells nothing.
"""
from __future__ import annotations

import logging

from flask import current_app
from limits import RateLimitItem, parse

from app.extensions import limiter

log = logging.getLogger("ghurfa.security")

NAMESPACE = "login-lockout"


def typed_account(name: str | None) -> str:
    """The account a login names, as the rate limits key it (members type their email, staff their user name)."""
    return (name or "").strip().lower()[:254]


def _item() -> RateLimitItem:
    config = current_app.config
    return parse(f"{int(config['LOGIN_LOCKOUT_FAILURES'])} per {int(config['LOGIN_LOCKOUT_MINUTES'])} minutes")


def _enabled() -> bool:
    return bool(limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def _keys(name: str | None) -> tuple[str, ...]:
    # RATELIMIT_KEY_PREFIX keeps apps sharing one Redis apart, as it does for the rate limits.
    return tuple(part for part in (current_app.config.get("RATELIMIT_KEY_PREFIX"), NAMESPACE, typed_account(name))
                 if part is not None)


def is_locked(name: str | None) -> bool:
    """True while the account has used up its failed logins for the current window."""
    if not _enabled():
        return False
    return not limiter.limiter.test(_item(), *_keys(name))


def record_failure(name: str | None) -> None:
    if _enabled() and not limiter.limiter.hit(_item(), *_keys(name)):
        log.warning("login refused: account %r is locked after repeated failures", typed_account(name)[:60])


def record_success(name: str | None) -> None:
    if _enabled():
        limiter.limiter.clear(_item(), *_keys(name))
