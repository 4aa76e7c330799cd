"""The password policy with its bundled list of common passwords, and hashing as Flask-AppBuilder does it."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from werkzeug.security import generate_password_hash

from app.domain.passwords import MAX_LENGTH, check_new_password, parse_password_list


@lru_cache(maxsize=4)
def common_passwords(path: str) -> frozenset[str]:
    with Path(path).open(encoding="utf-8") as handle:
        return parse_password_list(handle)


def check_password_policy(password: str, email: str | None = None) -> None:
    """Raises a PasswordRefused subclass when the configured policy refuses `password`."""
    config = current_app.config
    check_new_password(password, common=common_passwords(config["COMMON_PASSWORDS_FILE"]), email=email,
                       min_length=int(config.get("PASSWORD_MIN_LENGTH", 12)), max_length=MAX_LENGTH)


def hash_password(password: str) -> str:
    """The hash FAB's own login checks: its configured method (scrypt) and salt length."""
    config = current_app.config
    return generate_password_hash(password, method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
                                  salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
