"""What the mail and SMS senders share: receipts, typed errors, the outbox folder and config reading."""
from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

DEFAULT_OUTBOX_DIR = Path("instance") / "outbox"


def utc_now() -> datetime:
    """The default clock of the senders; tests and the dispatcher inject their own."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class DeliveryReceipt:
    """Proof that the provider accepted a message, with the provider's id for it when it gave one."""

    provider_id: str | None


class DeliveryFailed(Exception):
    """The provider did not take the message.

    ``permanent`` tells the dispatcher whether trying again can help: a refused
    recipient is permanent, a server that is down or busy is not.
    """

    def __init__(self, reason: Any, permanent: bool):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent

    def __str__(self) -> str:
        return str(self.reason)

    def __repr__(self) -> str:
        return f"DeliveryFailed({str(self.reason)!r}, permanent={self.permanent})"


class InvalidMessage(ValueError):
    """A message that cannot be sent as built (bad address, empty text); nothing was sent."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class AdapterConfigError(ValueError):
    """The configuration of a sender is missing or wrong; raised when the sender is built."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def write_outbox_file(folder: Path, now: datetime, label: str, suffix: str, content: bytes) -> Path:
    """Write one message into the outbox folder and return its path.

    The name starts with the UTC time so a directory listing is in sending order;
    a random tail keeps two messages of the same microsecond apart. The file is
    written under a temporary name and renamed, so a reader never sees half of it.
    """
    if now.tzinfo is None:
        raise ValueError("the outbox clock must return an aware datetime")
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    safe_label = re.sub(r"[^A-Za-z0-9@._+-]", "_", label)[:64] or "message"
    name = f"{stamp}-{secrets.token_hex(4)}-{safe_label}{suffix}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        partial = folder / f".{name}.partial"
        with open(partial, "xb") as handle:
            handle.write(content)
        os.replace(partial, target)
    except OSError as exc:
        # A full disk or a read-only folder may clear up; the dispatcher retries.
        raise DeliveryFailed(
            _l("Could not write to the outbox folder %(folder)s: %(error)s",
               folder=str(folder), error=str(exc)),
            permanent=False,
        ) from exc
    return target


# --- reading settings -------------------------------------------------------------
# Settings come from Flask's config, which is often filled from environment
# variables: numbers may arrive as strings and an empty string means "not set".

def config_str(config: Mapping[str, Any], key: str, default: str | None = None, *,
               strip: bool = True) -> str | None:
    """A text setting; ``strip=False`` keeps secrets exactly as given."""
    value = config.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        value = str(value)
    if not value.strip():
        return default
    return value.strip() if strip else value


def config_required(config: Mapping[str, Any], key: str, backend: str) -> str:
    value = config_str(config, key)
    if value is None:
        raise AdapterConfigError(
            _l("The setting %(key)s is required when the %(backend)s backend is used.",
               key=key, backend=backend))
    return value


def config_number(config: Mapping[str, Any], key: str, default: float, *, integer: bool = False) -> Any:
    raw = config.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    try:
        value = int(raw) if integer else float(raw)
    except (TypeError, ValueError):
        raise AdapterConfigError(
            _l("The setting %(key)s must be a number, not %(value)s.", key=key, value=repr(raw))
        ) from None
    if value <= 0:
        raise AdapterConfigError(
            _l("The setting %(key)s must be greater than zero.", key=key))
    return value


def config_choice(config: Mapping[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = (config_str(config, key, default) or default).lower()
    if value not in choices:
        raise AdapterConfigError(
            _l("The setting %(key)s must be one of %(choices)s, not %(value)s.",
               key=key, choices=", ".join(choices), value=repr(value)))
    return value


def outbox_dir(config: Mapping[str, Any]) -> Path:
    return Path(config_str(config, "OUTBOX_DIR") or DEFAULT_OUTBOX_DIR)
