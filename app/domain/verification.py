"""One-time codes and reset tokens: making them, keeping only their keyed hash, and when they may be used or resent.

Codes come from the operating system's CSPRNG (`secrets`). Only an HMAC-SHA256 of a
code is stored, keyed with the application's secret and bound to the account and the
purpose, so a copy of the table neither reveals codes nor lets one account's code
verify another's. Times are naive UTC datetimes passed in by the caller.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from enum import StrEnum

from app.domain.digits import to_ascii_digits
from app.domain.errors import (  # noqa: F401  (the refusals of codes, importable from here)
    CodeExpired,
    CodeLocked,
    CodeMissing,
    CodeRefused,
    CodeUsed,
    CodeWrong,
    ResendLimitReached,
    ResendRefused,
    ResendTooSoon,
    ResetLinkInvalid,
)

# Letters only, like "layLSJ"; capital I and small l are left out because
# many fonts draw them alike.
EMAIL_CODE_ALPHABET = "".join(c for c in string.ascii_letters if c not in "Il")
EMAIL_CODE_LENGTH = 6
MOBILE_CODE_LENGTH = 6
RESET_TOKEN_BYTES = 32


class Purpose(StrEnum):
    EMAIL = "email"
    MOBILE = "mobile"
    RESET = "reset"


@dataclass(frozen=True)
class CodePolicy:
    """How long a code lives, how many wrong tries kill it, how often it may be sent."""

    lifetime: dt.timedelta = dt.timedelta(minutes=10)
    max_attempts: int = 5
    resend_interval: dt.timedelta = dt.timedelta(minutes=1)
    sends_per_window: int = 5
    send_window: dt.timedelta = dt.timedelta(hours=1)


# --- making and hashing -------------------------------------------------------------

def new_email_code() -> str:
    return "".join(secrets.choice(EMAIL_CODE_ALPHABET) for _ in range(EMAIL_CODE_LENGTH))


def new_mobile_code() -> str:
    return f"{secrets.randbelow(10 ** MOBILE_CODE_LENGTH):0{MOBILE_CODE_LENGTH}d}"


def new_reset_token() -> str:
    return secrets.token_urlsafe(RESET_TOKEN_BYTES)


def new_code(purpose: Purpose) -> str:
    if purpose is Purpose.EMAIL:
        return new_email_code()
    if purpose is Purpose.MOBILE:
        return new_mobile_code()
    return new_reset_token()


def code_digest(secret: str | bytes, purpose: Purpose | str, user_id: int | None, code: str) -> str:
    """HMAC-SHA256 of a code, bound to its purpose and account (reset tokens: to no account, they are looked up)."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    message = f"{Purpose(purpose).value}:{'' if user_id is None else user_id}:{code}".encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def digests_match(stored: str | None, candidate: str) -> bool:
    return stored is not None and hmac.compare_digest(stored, candidate)


def clean_typed_code(purpose: Purpose, typed: str | None) -> str:
    """What the member typed, without spaces; mobile codes accept Arabic-Indic digits."""
    value = "".join((typed or "").split())
    return to_ascii_digits(value) if purpose is Purpose.MOBILE else value


# --- rules --------------------------------------------------------------------------

@dataclass(frozen=True)
class ChallengeState:
    """What is known of a code before it is compared: enough to refuse it without comparing."""

    expires_at: dt.datetime
    attempts: int
    used_at: dt.datetime | None


def refusal_before_compare(state: ChallengeState | None, now: dt.datetime, policy: CodePolicy) -> CodeRefused | None:
    """The reason a code cannot even be tried (used, locked, expired), or None."""
    if state is None:
        return CodeMissing()
    if state.used_at is not None:
        return CodeUsed()
    if state.attempts >= policy.max_attempts:
        return CodeLocked()
    if now >= state.expires_at:
        return CodeExpired()
    return None


def wrong_code(attempts_after: int, policy: CodePolicy) -> CodeRefused:
    """The refusal after a wrong try that brought the count to `attempts_after`."""
    left = policy.max_attempts - attempts_after
    return CodeLocked() if left <= 0 else CodeWrong(left=left)


@dataclass(frozen=True)
class SendHistory:
    last_sent_at: dt.datetime | None
    window_started_at: dt.datetime | None
    sent_in_window: int


def resend_refusal(history: SendHistory, now: dt.datetime, policy: CodePolicy) -> ResendRefused | None:
    """Why a code may not be sent now (too soon after the last, or too many this hour), or None."""
    if history.last_sent_at is not None:
        wait = history.last_sent_at + policy.resend_interval - now
        if wait > dt.timedelta(0):
            return ResendTooSoon(seconds=_ceil_seconds(wait))
    if history.window_started_at is not None and history.sent_in_window >= policy.sends_per_window:
        wait = history.window_started_at + policy.send_window - now
        if wait > dt.timedelta(0):
            return ResendLimitReached(minutes=max(1, -(-_ceil_seconds(wait) // 60)))
    return None


def after_send(history: SendHistory, now: dt.datetime, policy: CodePolicy) -> SendHistory:
    """The history once a code was sent at `now`: a new window starts when the last one ran out."""
    if history.window_started_at is None or now >= history.window_started_at + policy.send_window:
        return SendHistory(last_sent_at=now, window_started_at=now, sent_in_window=1)
    return SendHistory(last_sent_at=now, window_started_at=history.window_started_at,
                       sent_in_window=history.sent_in_window + 1)


def _ceil_seconds(delta: dt.timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))
