"""The password policy of portal accounts: long enough, not too long, not common, not the account's own email.

Following NIST SP 800-63B: a minimum length and a check against known common or
breached passwords, and no composition rules (no "one capital, one digit").
The list of common passwords is passed in, so this module stays pure.
"""
from __future__ import annotations

from collections.abc import Container, Iterable

from app.domain.errors import (  # noqa: F401  (the policy's refusals, importable from here)
    PasswordIsEmail,
    PasswordRefused,
    PasswordsDiffer,
    PasswordTooCommon,
    PasswordTooLong,
    PasswordTooShort,
    PasswordTooSimple,
)

MIN_LENGTH = 12
# scrypt is slow on purpose; a cap keeps one login from costing seconds of CPU.
MAX_LENGTH = 128


def normalise_for_list(password: str) -> str:
    """The form looked up in the common-password list (the lists are lower case)."""
    return password.strip().lower()


def check_new_password(
    password: str,
    *,
    common: Container[str],
    email: str | None = None,
    min_length: int = MIN_LENGTH,
    max_length: int = MAX_LENGTH,
) -> None:
    """Raises a PasswordRefused subclass when `password` may not be chosen."""
    length = len(password or "")
    if length < min_length:
        raise PasswordTooShort(min=min_length)
    if length > max_length:
        raise PasswordTooLong(max=max_length)
    if normalise_for_list(password) in common:
        raise PasswordTooCommon()
    if is_sequence_or_repetition(password):
        raise PasswordTooSimple()
    if email and normalise_for_list(password) == email.strip().lower():
        raise PasswordIsEmail()


# Runs that lists of leaked passwords show people walking along (NIST: "sequential or
# repetitive characters"); a password inside one of them, forwards or backwards, is refused.
_WALKS = ("1234567890" * 4, "abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm" * 2,
          "qazwsxedcrfvtgbyhnujmikolp" * 2, "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p" * 2)


def is_sequence_or_repetition(password: str) -> bool:
    value = normalise_for_list(password)
    if not value:
        return False
    # A repetition: the password is a shorter piece said again and again (aaaa..., abcabc...).
    if value in (value + value)[1:-1]:
        return True
    return any(value in walk or value[::-1] in walk for walk in _WALKS)


def check_confirmation(password: str, confirmation: str) -> None:
    if password != confirmation:
        raise PasswordsDiffer()


def parse_password_list(lines: Iterable[str]) -> frozenset[str]:
    """Reads a bundled list: one password a line; '#' lines before the first entry are its header."""
    entries: set[str] = set()
    in_header = True
    for line in lines:
        value = line.rstrip("\r\n")
        if in_header and value.startswith("#"):
            continue
        in_header = False
        if value:
            entries.add(normalise_for_list(value))
    return frozenset(entries)
