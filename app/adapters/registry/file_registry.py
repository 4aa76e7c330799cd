"""The file-backed commercial registry: the embedded default, read from a JSON file.

The file holds ``{"companies": [<company>, ...]}`` with each company in the JSON
shape documented in :mod:`app.adapters.registry.http_registry`. The file is read
again whenever its modification time (or size) changes, so an operator can edit
the demo data while the portal runs. A file that cannot be read or does not
validate raises :class:`RegistryUnavailable` (the detail names the faulty field)
on every call until it is fixed: nothing half-read or stale is ever served.
"""
from __future__ import annotations

import base64
import binascii
import bisect
import logging
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from pathlib import Path

import msgspec

from .base import ChangeBatch, CommercialRegistry, check_civil_id, check_cr_number, check_limit
from .errors import MalformedRegistryData, RegistryUnavailable, invalid_cursor
from .records import RegistryCompany, format_timestamp, is_registry_number, malformed

log = logging.getLogger(__name__)

DEMO_REGISTRY_FILE = Path(__file__).with_name("demo_registry.json")

# Position in the change order: (updated_at in UTC, CR number).
_ChangeKey = tuple[datetime, str]
# A cursor names the last company handed out: (updated_at as sortable UTC text, CR number).
_CursorKey = tuple[str, str]


class _RegistryFileShape(msgspec.Struct):
    companies: list[RegistryCompany]


@dataclass(frozen=True)
class _Snapshot:
    """One loaded copy of the file, indexed; replaced whole on reload."""

    signature: tuple[int, int, int]
    by_cr: dict[str, RegistryCompany]
    change_keys: list[_ChangeKey]
    in_change_order: list[RegistryCompany]

    @cached_property
    def by_civil_id(self) -> dict[str, tuple[RegistryCompany, ...]]:
        """Companies by signatory, in CR number order; built on first use (a sync never needs it)."""
        by_civil_id: dict[str, list[RegistryCompany]] = {}
        for cr_number in sorted(self.by_cr, key=_number_order):
            company = self.by_cr[cr_number]
            for signatory in company.signatories:
                by_civil_id.setdefault(signatory.civil_id, []).append(company)
        return {k: tuple(v) for k, v in by_civil_id.items()}


class FileRegistry(CommercialRegistry):
    """A registry read from a JSON file on disk (``REGISTRY_FILE``)."""

    def __init__(self, path: str | os.PathLike = DEMO_REGISTRY_FILE) -> None:
        self.path = Path(path)
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    def companies_for_civil_id(self, civil_id: str) -> list[RegistryCompany]:
        civil_id = check_civil_id(civil_id)
        return list(self._current().by_civil_id.get(civil_id, ()))

    def company(self, cr_number: str) -> RegistryCompany | None:
        cr_number = check_cr_number(cr_number)
        return self._current().by_cr.get(cr_number)

    def changes_since(self, cursor: str | None, limit: int = 1000) -> ChangeBatch:
        limit = check_limit(limit)
        after = decode_cursor(cursor) if cursor is not None else ("", "")
        snapshot = self._current()
        start = 0
        if after != ("", ""):
            moment = datetime.fromisoformat(after[0])
            start = bisect.bisect_right(snapshot.change_keys, (moment, after[1]))
        page = snapshot.in_change_order[start : start + limit]
        done = start + len(page) >= len(snapshot.in_change_order)
        if page:
            last = page[-1]
            next_cursor = encode_cursor((format_timestamp(last.updated_at), last.cr_number))
        else:
            # Nothing new: keep the caller's place (or the very start).
            next_cursor = cursor if cursor is not None else encode_cursor(("", ""))
        return ChangeBatch(companies=page, next_cursor=next_cursor, done=done)

    # --- loading --------------------------------------------------------------

    def _current(self) -> _Snapshot:
        signature = self._signature()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.signature == signature:
            return snapshot
        with self._lock:
            # Another thread may have loaded it while this one waited.
            if self._snapshot is not None and self._snapshot.signature == signature:
                return self._snapshot
            self._snapshot = self._load(signature)
            return self._snapshot

    def _signature(self) -> tuple[int, int, int]:
        try:
            stat = self.path.stat()
        except OSError as exc:
            log.error("registry file %s cannot be read: %s", self.path, exc)
            raise RegistryUnavailable(f"registry file {self.path}: {exc}") from exc
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def _load(self, signature: tuple[int, int, int]) -> _Snapshot:
        try:
            snapshot = build_snapshot(decode_registry_file(self.path.read_bytes()), signature)
        except OSError as exc:
            log.error("registry file %s cannot be read: %s", self.path, exc)
            raise RegistryUnavailable(f"registry file {self.path}: {exc}") from exc
        except (msgspec.DecodeError, MalformedRegistryData) as exc:
            detail = exc.detail if isinstance(exc, MalformedRegistryData) else f"not JSON: {exc}"
            log.error("registry file %s is malformed: %s", self.path, detail)
            raise MalformedRegistryData(f"registry file {self.path}: {detail}") from exc
        log.info("registry file %s loaded: %d companies", self.path, len(snapshot.by_cr))
        return snapshot


def decode_registry_file(raw: bytes) -> list[RegistryCompany]:
    """Every company in the file, each validated as it is decoded (msgspec.DecodeError: not JSON)."""
    try:
        return msgspec.json.decode(raw, type=_RegistryFileShape).companies
    except msgspec.ValidationError as exc:
        if "- at `$" not in str(exc) or "- at `$`" in str(exc):
            raise MalformedRegistryData(f'expected an object {{"companies": [...]}}: {exc}') from exc
        raise malformed(exc, "") from exc


def build_snapshot(companies: list[RegistryCompany], signature: tuple[int, int, int]) -> _Snapshot:
    """Index the whole validated file; nothing partial is ever served."""
    by_cr: dict[str, RegistryCompany] = {}
    for i, company in enumerate(companies):
        if company.cr_number in by_cr:
            raise MalformedRegistryData(f"companies[{i}].cr_number: {company.cr_number} is listed twice")
        by_cr[company.cr_number] = company
    keys = [change_key(company) for company in companies]  # each computed once, not once per comparison
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return _Snapshot(
        signature=signature,
        by_cr=by_cr,
        change_keys=[keys[i] for i in order],
        in_change_order=[companies[i] for i in order],
    )


def change_key(company: RegistryCompany) -> _ChangeKey:
    return (company.updated_at, company.cr_number)


def _number_order(number: str) -> tuple[int, str]:
    return (int(number), number)


# A cursor is the change key of the last company handed out, base64url-encoded so
# callers treat it as the opaque token the HTTP API also gives them.


def encode_cursor(key: _CursorKey) -> str:
    return base64.urlsafe_b64encode(f"{key[0]}|{key[1]}".encode()).decode().rstrip("=")


def decode_cursor(cursor: object) -> _CursorKey:
    if not isinstance(cursor, str) or not cursor or len(cursor) > 200:
        raise invalid_cursor(cursor)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid_cursor(cursor) from exc
    stamp, sep, cr_number = text.partition("|")
    if sep != "|":
        raise invalid_cursor(cursor)
    if (stamp, cr_number) == ("", ""):
        return ("", "")
    if len(stamp) != 27 or not stamp.endswith("Z") or not is_registry_number(cr_number):
        raise invalid_cursor(cursor)
    return (stamp, cr_number)
