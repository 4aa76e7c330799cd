"""The log guard itself: it finds what it must, and lets ordinary lines through."""
from __future__ import annotations

import logging

from tests.log_guard import LeakGuard, luhn_ok


def _guarded() -> tuple[LeakGuard, logging.Logger]:
    guard = LeakGuard()
    logger = logging.getLogger("ghurfa.test_log_guard")
    logger.addHandler(guard)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return guard, logger


def test_passwords_codes_and_card_numbers_are_caught():
    guard, logger = _guarded()
    guard.learn("correct horse battery")
    guard.learn("482913", code=True)
    guard.learn("K7PQ2M9X", code=True)
    logger.info("login failed for x with password correct horse battery")
    logger.warning("sms to +96890000000: your code is 482913")
    logger.info("email code %s sent", "K7PQ2M9X")
    logger.info("reply %s", {"req_card_number": "4111 1111 1111 1111"})
    logger.info("reply card_cvn=123")
    assert len(guard.leaks) == 5, guard.leaks


def test_ordinary_lines_pass():
    guard, logger = _guarded()
    guard.learn("482913", code=True)
    logger.info('{"event": "request", "route": "/verify/<token>", "status": 200, "duration_ms": 4829130.2}')
    logger.info("order REN-2018-000123 paid; CR 1445820; OCCI 91868; uuid 0c1f4a7e-2b1d-4c55-9d0e-6f2a1b3c4d5e")
    logger.info("transaction id 6112345678901234567")  # 19 digits failing the Luhn check
    assert guard.leaks == []
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
