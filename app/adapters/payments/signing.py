"""Secure Acceptance field signing: HMAC-SHA256 over `name=value` pairs, base64."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone
from typing import Mapping

SIGNED_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def signed_names(fields: Mapping[str, str]) -> list[str]:
    """The names listed in `signed_field_names`, in their order."""
    text = fields.get("signed_field_names", "")
    return [name for name in text.split(",")] if text else []


def data_to_sign(fields: Mapping[str, str]) -> str:
    """`name=value` for every name in signed_field_names, joined by commas.

    Raises KeyError naming the first listed field that is absent.
    """
    return ",".join(f"{name}={fields[name]}" for name in signed_names(fields))


def sign_fields(fields: Mapping[str, str], secret_key: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), data_to_sign(fields).encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(fields: Mapping[str, str], secret_key: str) -> bool:
    """Constant-time comparison of the `signature` field with our own computation."""
    given = fields.get("signature", "")
    expected = sign_fields(fields, secret_key)
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8"))


def with_signature(fields: Mapping[str, str], secret_key: str, unsigned: tuple[str, ...] = ()
                   ) -> dict[str, str]:
    """Return the fields with signed_field_names (every field but `unsigned`) and signature.

    `signed_field_names` names itself, as Secure Acceptance does, so the list cannot be
    trimmed without breaking the signature.
    """
    signed = {name: value for name, value in fields.items()
              if name not in ("signature", "signed_field_names")}
    names = [name for name in signed if name not in unsigned] + ["signed_field_names"]
    signed["signed_field_names"] = ",".join(names)
    signed["signature"] = sign_fields(signed, secret_key)
    return signed


def format_signed_date(moment: datetime) -> str:
    """UTC time as Secure Acceptance wants it: 2018-03-19T08:30:00Z."""
    if moment.tzinfo is None:
        raise ValueError("signed_date_time needs an aware datetime")
    return moment.astimezone(timezone.utc).strftime(SIGNED_DATE_FORMAT)


def parse_signed_date(text: str) -> datetime:
    return datetime.strptime(text, SIGNED_DATE_FORMAT).replace(tzinfo=timezone.utc)
