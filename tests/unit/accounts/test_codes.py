"""Verification codes: their shape, their keyed hash, and when they may be tried or resent."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from app.domain.verification import (
    EMAIL_CODE_ALPHABET,
    ChallengeState,
    CodeExpired,
    CodeLocked,
    CodeMissing,
    CodePolicy,
    CodeUsed,
    CodeWrong,
    Purpose,
    ResendLimitReached,
    ResendTooSoon,
    SendHistory,
    after_send,
    clean_typed_code,
    code_digest,
    digests_match,
    new_email_code,
    new_mobile_code,
    new_reset_token,
    refusal_before_compare,
    resend_refusal,
    wrong_code,
)

T0 = dt.datetime(2018, 3, 19, 8, 0, 0)
POLICY = CodePolicy()


def test_email_codes_are_six_mixed_case_letters_like_the_seed():
    codes = [new_email_code() for _ in range(2000)]
    assert all(re.fullmatch(r"[A-Za-z]{6}", code) for code in codes)
    assert re.fullmatch(r"[A-Za-z]{6}", "layLSJ")
    letters = Counter("".join(codes))
    # Both cases and (nearly) every letter of the alphabet turn up: not a fixed or narrow source.
    assert any(c.islower() for c in letters) and any(c.isupper() for c in letters)
    assert len(letters) >= len(EMAIL_CODE_ALPHABET) - 2
    assert "I" not in letters and "l" not in letters
    assert len(set(codes)) > 1990


def test_mobile_codes_are_six_digits_with_leading_zeros_kept():
    codes = [new_mobile_code() for _ in range(5000)]
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in codes)
    assert any(code.startswith("0") for code in codes)
    assert len(set(codes)) > 4900


def test_reset_tokens_are_long_and_url_safe():
    tokens = {new_reset_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43,}", t) for t in tokens)


def test_the_digest_is_keyed_and_bound_to_account_and_purpose():
    digest = code_digest("secret", Purpose.MOBILE, 7, "951386")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert "951386" not in digest
    assert digest == code_digest("secret", "mobile", 7, "951386")
    assert digest != code_digest("other secret", Purpose.MOBILE, 7, "951386")
    assert digest != code_digest("secret", Purpose.MOBILE, 8, "951386")
    assert digest != code_digest("secret", Purpose.EMAIL, 7, "951386")
    assert digests_match(digest, code_digest("secret", Purpose.MOBILE, 7, "951386"))
    assert not digests_match(digest, code_digest("secret", Purpose.MOBILE, 7, "951387"))
    assert not digests_match(None, digest)
    # Email codes are compared exactly: case matters.
    assert code_digest("k", Purpose.EMAIL, 1, "layLSJ") != code_digest("k", Purpose.EMAIL, 1, "LAYLSJ")


def test_typed_codes_are_cleaned():
    assert clean_typed_code(Purpose.MOBILE, " 951 386 ") == "951386"
    assert clean_typed_code(Purpose.MOBILE, "٩٥١٣٨٦") == "951386"
    assert clean_typed_code(Purpose.EMAIL, " layLSJ\n") == "layLSJ"
    assert clean_typed_code(Purpose.EMAIL, None) == ""


def state(attempts=0, used_at=None, expires_at=T0 + dt.timedelta(minutes=10)):
    return ChallengeState(expires_at=expires_at, attempts=attempts, used_at=used_at)


def test_a_code_can_be_tried_until_used_locked_or_expired():
    assert refusal_before_compare(state(), T0, POLICY) is None
    assert refusal_before_compare(state(attempts=4), T0 + dt.timedelta(minutes=9, seconds=59), POLICY) is None
    assert isinstance(refusal_before_compare(None, T0, POLICY), CodeMissing)
    assert isinstance(refusal_before_compare(state(used_at=T0), T0, POLICY), CodeUsed)
    assert isinstance(refusal_before_compare(state(attempts=5), T0, POLICY), CodeLocked)
    assert isinstance(refusal_before_compare(state(), T0 + dt.timedelta(minutes=10), POLICY), CodeExpired)


def test_wrong_tries_count_down_then_lock():
    assert wrong_code(1, POLICY).params == {"left": 4}
    assert isinstance(wrong_code(4, POLICY), CodeWrong)
    assert isinstance(wrong_code(5, POLICY), CodeLocked)


def test_resend_waits_a_minute_between_codes():
    history = after_send(SendHistory(None, None, 0), T0, POLICY)
    refusal = resend_refusal(history, T0 + dt.timedelta(seconds=20), POLICY)
    assert isinstance(refusal, ResendTooSoon) and refusal.params == {"seconds": 40}
    assert resend_refusal(history, T0 + dt.timedelta(seconds=60), POLICY) is None


def test_resend_allows_five_codes_an_hour():
    history = SendHistory(None, None, 0)
    now = T0
    for _ in range(5):
        assert resend_refusal(history, now, POLICY) is None
        history = after_send(history, now, POLICY)
        now += dt.timedelta(minutes=2)
    refusal = resend_refusal(history, now, POLICY)  # 10 minutes after the first
    assert isinstance(refusal, ResendLimitReached) and refusal.params == {"minutes": 50}
    # An hour after the first code a new window opens.
    assert resend_refusal(history, T0 + dt.timedelta(hours=1), POLICY) is None
    fresh = after_send(history, T0 + dt.timedelta(hours=1), POLICY)
    assert fresh.sent_in_window == 1 and fresh.window_started_at == T0 + dt.timedelta(hours=1)
