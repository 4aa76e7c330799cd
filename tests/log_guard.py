"""Guards every log line of the suite: no password, verification or reset code, configured
secret or card number may appear in a log record, whatever the test was about.

The secrets are learnt as the suite makes them (every password hashed or checked, every code
and reset token handed out) and read from the app's configuration; card numbers are found by
shape (13 to 19 digits passing the Luhn check). tests/conftest.py installs the guard on the
root logger and fails the test during which a record leaked something.
"""
from __future__ import annotations

import functools
import importlib
import logging
import re
import threading

# Settings whose values are secrets (checked when set and long enough to be unmistakable).
SECRET_SETTINGS = ("SECRET_KEY", "JWT_SECRET_KEY", "SANDBOX_GATEWAY_SECRET", "MAIL_PASSWORD", "SMS_GATEWAY_PASSWORD",
                   "SMS_GATEWAY_TOKEN", "CYBERSOURCE_SECRET_KEY", "CYBERSOURCE_API_SECRET", "REGISTRY_API_KEY",
                   "METRICS_TOKEN", "RECAPTCHA_SECRET_KEY", "SAML_SP_KEY")
MIN_SECRET = 8
_DIGITS = re.compile(r"(?<![\d.])\d(?:[ -]?\d){12,18}(?![\d.])")
_CARD_FIELD = re.compile(r"card_(?:number|cvn)['\"]?\s*[:=]\s*['\"]?\d", re.IGNORECASE)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class LeakGuard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.secrets: set[str] = set()
        self.codes: set[str] = set()
        self.leaks: list[str] = []
        self._guard = threading.Lock()

    def learn(self, value, *, code: bool = False) -> None:
        if not isinstance(value, str):
            return
        value = value.strip()
        if code and len(value) >= 4:
            self.codes.add(value)
        elif len(value) >= MIN_SECRET:
            self.secrets.add(value)

    def _configured(self) -> set[str]:
        try:
            from flask import current_app, has_app_context

            if not has_app_context():
                return set()
            return {str(current_app.config.get(name)) for name in SECRET_SETTINGS
                    if current_app.config.get(name) and len(str(current_app.config.get(name))) >= MIN_SECRET}
        except Exception:
            return set()

    def found_in(self, text: str) -> list[str]:
        found = [f"secret {secret[:3]}…" for secret in (self.secrets | self._configured()) if secret in text]
        found += [f"code {code[:2]}…" for code in self.codes
                  if code in text and re.search(rf"(?<![A-Za-z0-9]){re.escape(code)}(?![A-Za-z0-9])", text)]
        for match in _DIGITS.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if 13 <= len(digits) <= 19 and luhn_ok(digits):
                found.append(f"card-like number {digits[:4]}…")
        if _CARD_FIELD.search(text):
            found.append("a card field")
        return found

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += " " + str(record.exc_info[1])
        except Exception:
            return
        found = self.found_in(text)
        if found:
            with self._guard:
                self.leaks.append(f"{record.name} {record.levelname}: {', '.join(found)} in {text[:200]!r}")


def _learning(guard: LeakGuard, function, positions: tuple[int, ...], code: bool = False, result: bool = False):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for position in positions:
            if position < len(args):
                guard.learn(args[position], code=code)
        for key in ("password", "api_key_string"):
            guard.learn(kwargs.get(key))
        value = function(*args, **kwargs)
        if result:
            guard.learn(value, code=code)
        return value

    wrapper.__wrapped_by_guard__ = True
    return wrapper


def install(guard: LeakGuard) -> None:
    """Learns passwords where they are hashed or checked and codes where they are made."""
    targets = (
        ("werkzeug.security", "generate_password_hash", (0,), False, False),
        ("werkzeug.security", "check_password_hash", (1,), False, False),
        ("app.services.accounts.passwords", "generate_password_hash", (0,), False, False),
        ("flask_appbuilder.security.manager", "check_password_hash", (1,), False, False),
        ("flask_appbuilder.security.manager", "generate_password_hash", (0,), False, False),
        ("flask_appbuilder.security.sqla.manager", "check_password_hash", (1,), False, False),
        ("flask_appbuilder.security.sqla.manager", "generate_password_hash", (0,), False, False),
        ("app.services.accounts.registration", "new_code", (), True, True),
        ("app.domain.verification", "new_code", (), True, True),
    )
    for module_name, name, positions, code, result in targets:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, name, None)
        if function is None or getattr(function, "__wrapped_by_guard__", False):
            continue
        setattr(module, name, _learning(guard, function, positions, code=code, result=result))
    logging.getLogger().addHandler(guard)
