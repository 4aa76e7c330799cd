"""The sandbox gateway's memory: an append-only JSON-lines file under file locks.

One file serves every gunicorn worker and survives restarts. Records never hold a card
number: a payment record keeps the card type, the last four digits and the outcome.
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

LEDGER_FILE = "transactions.jsonl"
SECRET_FILE = "secret"


@dataclass
class SandboxCheckout:
    """One hosted-page session folded from its ledger records (later records win)."""

    checkout_id: str
    request: dict[str, str]
    billing: dict[str, str] = field(default_factory=dict)
    payment: dict[str, str] | None = None
    reply: dict[str, str] | None = None

    @property
    def lang(self) -> str:
        return "ar" if self.request.get("locale", "").lower().startswith("ar") else "en"

    @property
    def finished(self) -> bool:
        return self.reply is not None


def fold_checkouts(records: list[dict]) -> dict[str, SandboxCheckout]:
    checkouts: dict[str, SandboxCheckout] = {}
    for record in records:
        kind, checkout_id = record.get("kind"), record.get("checkout_id")
        if kind == "checkout":
            checkouts[checkout_id] = SandboxCheckout(checkout_id, dict(record["request"]),
                                                     billing=dict(record.get("billing") or {}))
            continue
        checkout = checkouts.get(checkout_id)
        if checkout is None:
            continue
        if kind == "billing":
            checkout.billing = dict(record["billing"])
        elif kind == "payment":
            checkout.payment = dict(record["payment"])
        elif kind == "reply" and checkout.reply is None:
            # The first reply is final: a checkout is answered once.
            checkout.reply = dict(record["reply"])
    return checkouts


class SandboxLedger:
    """Append and read sandbox records; `update` reads and appends under one lock."""

    def __init__(self, directory: str):
        self.directory = directory
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self.path = os.path.join(directory, LEDGER_FILE)

    @contextmanager
    def _locked(self, exclusive: bool) -> Iterator:
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                handle.seek(0)
                yield handle
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @staticmethod
    def _read(handle) -> list[dict]:
        records = []
        for line in handle:
            line = line.strip()
            if line:
                try:
                    records.append(json.loads(line.decode("utf-8")))
                except ValueError:
                    continue  # a torn line from a crash mid-write is skipped, not fatal
        return records

    def records(self) -> list[dict]:
        with self._locked(exclusive=False) as handle:
            return self._read(handle)

    def update(self, decide: Callable[[list[dict]], list[dict]]) -> list[dict]:
        """Call decide(records) under the exclusive lock and append what it returns."""
        with self._locked(exclusive=True) as handle:
            new_records = decide(self._read(handle))
            if new_records:
                end = handle.seek(0, os.SEEK_END)
                text = "".join(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
                               for record in new_records)
                if end:
                    handle.seek(end - 1)
                    if handle.read(1) != b"\n":
                        text = "\n" + text  # end a torn last line before appending
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            return new_records

    def append(self, record: dict) -> None:
        self.update(lambda _records: [record])

    def checkouts(self) -> dict[str, SandboxCheckout]:
        return fold_checkouts(self.records())

    def checkout(self, checkout_id: str) -> SandboxCheckout | None:
        return self.checkouts().get(checkout_id)


def load_or_create_secret(directory: str) -> str:
    """The development signing secret, shared by all workers through a 0600 file.

    The file is written aside and hard-linked into place, so two workers starting at
    once agree on one secret and nobody reads a half-written file.
    """
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, SECRET_FILE)
    if not os.path.exists(path):
        fd, temp_path = tempfile.mkstemp(dir=directory, prefix=".secret-")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
            try:
                os.link(temp_path, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temp_path)
    with open(path, encoding="ascii") as handle:
        secret = handle.read().strip()
    if not secret:
        raise OSError(f"empty sandbox gateway secret in {path}")
    return secret
