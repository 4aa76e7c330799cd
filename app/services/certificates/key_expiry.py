"""Whether the chamber's signing key is loaded and far from its expiry, for the readiness check and the back-office notice."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.certificates.signing_keys import SigningNotConfigured, signing_key
from app.domain.signing_key import days_left, renewal_due


@dataclass(frozen=True)
class KeyStatus:
    loaded: bool
    expires_at: dt.datetime | None = None
    days_left: int | None = None
    renewal_due: bool = False
    problem: str | None = None


def key_status(config, now: dt.datetime) -> KeyStatus:
    """The configured key's state at `now` (aware); never raises."""
    try:
        key = signing_key(config)
    except (SigningNotConfigured, OSError, ValueError) as exc:
        return KeyStatus(loaded=False, problem=f"{type(exc).__name__}: {exc}"[:200])
    warn = int(config.get("SIGNING_KEY_WARN_DAYS") or 30)
    return KeyStatus(loaded=True, expires_at=key.not_after, days_left=days_left(key.not_after, now),
                     renewal_due=renewal_due(key.not_after, now, warn))
