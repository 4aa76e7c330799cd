"""Signed checkpoints of the audit chain's head, kept outside the database.

The hash chain shows an entry altered or removed in the middle; it cannot show the newest entries
removed, or the whole tail rewritten with fresh hashes, by someone who can switch the table's
triggers off. A checkpoint (the latest sequence number and its hash, the time, and the previous
checkpoint's signature) is signed with an Ed25519 key that lives in the environment
(AUDIT_CHECKPOINT_KEY), never in the database, and appended as one JSON line to
AUDIT_CHECKPOINT_DIR/checkpoints.jsonl. Checkpoints are written by the `audit_checkpoint` job and
after every verification that finds the chain intact. A verification compares the chain with
every checkpoint and names the entries that are missing or were rewritten.
"""
from __future__ import annotations

import base64
import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.infrastructure.clock import MUSCAT, now_utc
from models import AuditEntry

FILE_NAME = "checkpoints.jsonl"
VERSION = 1
SIGNED_FIELDS = ("v", "seq", "hash", "at", "reason", "prev")


class CheckpointKeyMissing(RuntimeError):
    """AUDIT_CHECKPOINT_KEY is not set."""


@dataclass(frozen=True)
class Checkpoint:
    line: int
    seq: int
    hash: str
    at: str  # UTC, ISO 8601
    reason: str
    sig: str

    @property
    def at_muscat(self) -> str:
        moment = dt.datetime.fromisoformat(self.at.replace("Z", "+00:00")).astimezone(MUSCAT)
        return moment.strftime("%Y-%m-%d %H:%M") + " (Asia/Muscat)"


@dataclass(frozen=True)
class CheckpointFile:
    checkpoints: list[Checkpoint]
    bad_line: int | None = None  # the first line that is not a well-signed checkpoint following the one before


@dataclass(frozen=True)
class Finding:
    """What the checkpoints say about the chain: nothing (ok), or the entries missing or rewritten."""

    ok: bool
    problem: str | None = None  # truncated | rewritten | bad checkpoint file
    first_bad_seq: int | None = None
    last_bad_seq: int | None = None
    intact_up_to: int = 0
    checkpoint: Checkpoint | None = None
    bad_line: int | None = None


def signing_key(config: Mapping) -> Ed25519PrivateKey:
    """The Ed25519 key, derived from AUDIT_CHECKPOINT_KEY (any long random secret)."""
    secret = config.get("AUDIT_CHECKPOINT_KEY")
    if not secret:
        raise CheckpointKeyMissing("AUDIT_CHECKPOINT_KEY is not set")
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(str(secret).encode("utf-8")).digest())


def public_key_pem(config: Mapping) -> str:
    """What the auditors keep to check copies of the checkpoint file on their own."""
    return signing_key(config).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def checkpoint_dir(config: Mapping) -> Path:
    return Path(config.get("AUDIT_CHECKPOINT_DIR") or Path(config["INSTANCE_DIR"]) / "audit-checkpoints")


def checkpoint_path(config: Mapping) -> Path:
    return checkpoint_dir(config) / FILE_NAME


def _message(record: Mapping) -> bytes:
    return json.dumps({name: record[name] for name in SIGNED_FIELDS}, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def read_file(path: Path, public_key: Ed25519PublicKey) -> CheckpointFile:
    """Every checkpoint of a file, stopping at the first line that is not signed or not chained."""
    checkpoints: list[Checkpoint] = []
    if not path.exists():
        return CheckpointFile(checkpoints)
    prev = ""
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            try:
                record = json.loads(text)
                public_key.verify(base64.b64decode(record["sig"], validate=True), _message(record))
                if record["v"] != VERSION or record["prev"] != prev or not isinstance(record["seq"], int):
                    raise ValueError("out of order")
            except (ValueError, KeyError, TypeError, InvalidSignature):
                return CheckpointFile(checkpoints, bad_line=number)
            prev = record["sig"]
            checkpoints.append(Checkpoint(number, record["seq"], record["hash"], record["at"], record["reason"],
                                          record["sig"]))
    return CheckpointFile(checkpoints)


def read_checkpoints(config: Mapping) -> CheckpointFile:
    return read_file(checkpoint_path(config), signing_key(config).public_key())


def write_checkpoint(config: Mapping, seq: int, entry_hash: str, reason: str) -> Checkpoint:
    """Appends a signed checkpoint of (seq, hash), under a file lock; the file is only ever appended to."""
    key = signing_key(config)
    directory = checkpoint_dir(config)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / FILE_NAME
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        lines = handle.read().splitlines()
        prev = json.loads(lines[-1])["sig"] if lines else ""
        at = now_utc(config).replace(microsecond=0).isoformat() + "Z"
        record = {"v": VERSION, "seq": seq, "hash": entry_hash, "at": at, "reason": reason, "prev": prev}
        record["sig"] = base64.b64encode(key.sign(_message(record))).decode("ascii")
        handle.write(json.dumps(record, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return Checkpoint(len(lines) + 1, seq, entry_hash, at, reason, record["sig"])


def chain_head(session: Session) -> tuple[int, str] | None:
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else None


def compare(session: Session, found: CheckpointFile, head_seq: int) -> Finding:
    """The chain (intact up to head_seq by its own hashes) against every signed checkpoint."""
    if found.bad_line is not None:
        return Finding(False, "bad checkpoint file", bad_line=found.bad_line)
    latest: dict[int, Checkpoint] = {}
    for checkpoint in found.checkpoints:
        latest[checkpoint.seq] = checkpoint
    ordered = sorted(latest.values(), key=lambda c: c.seq)
    stored: dict[int, str] = {}
    seqs = [c.seq for c in ordered if c.seq <= head_seq]
    for start in range(0, len(seqs), 500):
        chunk = seqs[start:start + 500]
        stored.update(session.execute(select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(chunk))).all())
    intact = 0
    for checkpoint in ordered:
        if checkpoint.seq > head_seq:
            # Signed entries beyond the log's end: the newest entries were removed.
            return Finding(False, "truncated", first_bad_seq=head_seq + 1, last_bad_seq=checkpoint.seq,
                           intact_up_to=intact, checkpoint=checkpoint)
        if stored.get(checkpoint.seq) != checkpoint.hash:
            return Finding(False, "rewritten", first_bad_seq=intact + 1, last_bad_seq=checkpoint.seq,
                           intact_up_to=intact, checkpoint=checkpoint)
        intact = checkpoint.seq
    return Finding(True, intact_up_to=intact)


def checkpoint_head(session: Session, config: Mapping, reason: str) -> tuple[Finding, Checkpoint | None]:
    """The scheduled check: the head against the checkpoints (no chain walk), then a new checkpoint if they agree."""
    head = chain_head(session)
    head_seq, head_hash = head if head else (0, None)
    finding = compare(session, read_checkpoints(config), head_seq)
    if not finding.ok or head is None:
        return finding, None
    return finding, write_checkpoint(config, head_seq, head_hash, reason)
