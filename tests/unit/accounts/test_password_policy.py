"""The password policy: length, the bundled list of common passwords, no composition rules."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.passwords import (
    MAX_LENGTH,
    PasswordIsEmail,
    PasswordsDiffer,
    PasswordTooCommon,
    PasswordTooLong,
    PasswordTooShort,
    PasswordTooSimple,
    check_confirmation,
    check_new_password,
    parse_password_list,
)

LIST_FILE = Path(__file__).resolve().parents[3] / "app" / "data" / "common-passwords.txt"


@pytest.fixture(scope="module")
def common() -> frozenset[str]:
    with LIST_FILE.open(encoding="utf-8") as handle:
        return parse_password_list(handle)


def test_the_bundled_list_is_large_and_its_header_is_not_an_entry(common):
    assert len(common) > 40_000
    assert "password" in common and "123456" in common
    assert not any(entry.startswith("# common and breached") for entry in common)
    header = LIST_FILE.read_text(encoding="utf-8").splitlines()[:20]
    assert any("Django 5.2.19" in line for line in header) and any("zxcvbn 4.5.0" in line for line in header)


@pytest.mark.parametrize("password", ["1qaz2wsx3edc", "QWERTY123456", "  Qwerty123456 ", "Password1234"])
def test_common_passwords_are_refused_whatever_their_case(common, password):
    if password.strip().lower() not in common:
        pytest.fail(f"{password!r} was expected in the bundled list")
    with pytest.raises(PasswordTooCommon):
        check_new_password(password, common=common)


@pytest.mark.parametrize("password", [
    "123456789012", "210987654321", "qwertyuiopas", "ABCDEFGHIJKLMNOP", "aaaaaaaaaaaa", "abcabcabcabc",
    "iloveyouiloveyou", "1qaz2wsx3edc4rfv", "٧٧٧٧٧٧٧٧٧٧٧٧",
])
def test_runs_of_neighbouring_keys_and_repetitions_are_refused(common, password):
    with pytest.raises(PasswordTooSimple):
        check_new_password(password, common=common - {"1qaz2wsx3edc4rfv"})


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "ذهب الحصان إلى البحر", "aaaaaaaaaaaz", "lowercase only words",
    "1234567890ab", "sohar harbour at dawn",
])
def test_long_uncommon_passwords_need_no_capitals_digits_or_symbols(common, password):
    check_new_password(password, common=common)


def test_length_limits(common):
    with pytest.raises(PasswordTooShort) as short:
        check_new_password("Xk9#vLq2!mZ", common=common)  # 11 characters
    assert short.value.params == {"min": 12}
    check_new_password("Xk9#vLq2!mZp", common=common)
    with pytest.raises(PasswordTooLong):
        check_new_password("a" * (MAX_LENGTH + 1), common=common)
    with pytest.raises(PasswordTooShort):
        check_new_password("", common=common)


def test_the_account_email_is_not_a_password(common):
    with pytest.raises(PasswordIsEmail):
        check_new_password("Salim.Balushi@Example.om", common=common, email="salim.balushi@example.om")


def test_confirmation_must_be_identical():
    check_confirmation("correct horse battery staple", "correct horse battery staple")
    with pytest.raises(PasswordsDiffer):
        check_confirmation("correct horse battery staple", "correct horse battery stapl")


def test_a_list_entry_starting_with_a_hash_after_the_header_is_kept():
    entries = parse_password_list(["# header", "# more header", "abc", "#1password", ""])
    assert entries == frozenset({"abc", "#1password"})
