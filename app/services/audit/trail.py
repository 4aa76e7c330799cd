"""The audit trail: records every insert, update and delete of business data in a hash chain.

Rows are written by a session listener in the same transaction as the change they
describe, so a change and its audit row commit or roll back together. The chain is
extended under a lock (a PostgreSQL advisory transaction lock; SQLite's single writer
serialises on its own), so concurrent transactions never fork it.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterator

from flask import g, has_request_context
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.base import utcnow

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_410_553_001  # any constant shared by every writer of the chain
REDACTED = "[redacted]"
# Columns never written to the log in clear, per table.
_REDACT = {"ab_user": {"password"}}
_AUDITED_FOREIGN_TABLES = {"ab_user", "ab_role"}
# FAB's login statistics: an update of only these is a login or a failed login, not an edit.
_LOGIN_STATISTICS = {"last_login", "login_count", "fail_login_count", "changed_on"}
# Where a login by another way than a password (the PKI) says so before FAB saves its statistics.
LOGIN_METHOD_KEY = "ghurfa_login_method"

_actor: contextvars.ContextVar[tuple[str, int | None] | None] = contextvars.ContextVar(
    "ghurfa_audit_actor", default=None
)


@contextlib.contextmanager
def acting_as(actor: str, user_id: int | None = None) -> Iterator[None]:
    """Attribute changes made inside the block to `actor` (a job, a CLI command, a gateway)."""
    token = _actor.set((actor, user_id))
    try:
        yield
    finally:
        _actor.reset(token)


_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar("ghurfa_audit_reason", default=None)


@contextlib.contextmanager
def because(reason: str | None) -> Iterator[None]:
    """Write `reason` beside every change recorded inside the block (why an admin changed a record)."""
    token = _reason.set((reason or "").strip()[:500] or None)
    try:
        yield
    finally:
        _reason.reset(token)


def current_reason() -> str | None:
    """The reason given for the changes being written: set by `because`, or by a view for its request."""
    reason = _reason.get()
    if reason is None and has_request_context():
        reason = getattr(g, "audit_reason", None)
    return reason


def current_actor() -> tuple[str, int | None]:
    explicit = _actor.get()
    if explicit:
        return explicit
    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.username, user.id
        return "anonymous", None
    return "system", None


def _is_audited(obj: Any) -> bool:
    return getattr(obj, "__audited__", False) or getattr(obj, "__tablename__", None) in _AUDITED_FOREIGN_TABLES


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (dict, list)):
        return json.loads(json.dumps(value, default=str, ensure_ascii=False))
    return str(value)


def _values(obj: Any) -> dict[str, Any]:
    """The row as the session holds it now (after a flush: what was written)."""
    state = inspect(obj)
    redact = _REDACT.get(obj.__tablename__, set())
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        value = state.dict.get(attr.key) if attr.key in state.dict else getattr(obj, attr.key, None)
        out[attr.key] = REDACTED if attr.key in redact and value is not None else _json_value(value)
    return out


def _stored_values(session: Session, obj: Any) -> dict[str, Any]:
    """The row as the database holds it before this flush (an expired attribute keeps no old value)."""
    state = inspect(obj)
    mapper = state.mapper
    criteria = [column == value for column, value in zip(mapper.primary_key, state.identity)]
    row = session.connection().execute(select(mapper.local_table).where(*criteria)).mappings().first()
    if row is None:
        return {}
    redact = _REDACT.get(obj.__tablename__, set())
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        value = row.get(attr.columns[0].name)
        out[attr.key] = REDACTED if attr.key in redact and value is not None else _json_value(value)
    return out


def _changed(obj: Any) -> bool:
    state = inspect(obj)
    return any(state.attrs[a.key].history.has_changes() for a in state.mapper.column_attrs)


def entry_hash(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chained_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The fields a row's hash covers, in JSON form (the same whether read back or just built)."""
    at = row["at"]
    return {
        "seq": row["seq"],
        "at": at.isoformat(timespec="microseconds") if isinstance(at, dt.datetime) else at,
        "actor": row["actor"],
        "user_id": row["user_id"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "before": row["before"],
        "after": row["after"],
        "prev_hash": row["prev_hash"],
        # Covered only where given, so entries written before reasons existed keep their hashes.
        **({"reason": row["reason"]} if row.get("reason") is not None else {}),
    }


def _before_flush(session: Session, flush_context, instances) -> None:
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if _is_audited(obj):
            pending.append(("create", obj, None))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False) and _changed(obj):
            pending.append(("update", obj, _stored_values(session, obj)))
    for obj in session.deleted:
        if _is_audited(obj):
            pending.append(("delete", obj, _stored_values(session, obj) or _values(obj)))


def _after_flush(session: Session, flush_context) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    actor, user_id = current_actor()
    rows, logins = [], []
    for action, obj, before in pending:
        after = None if action == "delete" else _values(obj)
        if action == "update":
            # Keep only what changed, so the trail shows the edit, not the whole row.
            changed = {k for k in after if after[k] != before.get(k)}
            if not changed:
                continue
            before = {k: before.get(k) for k in sorted(changed)}
            after = {k: after[k] for k in sorted(changed)}
            login = _login_event(session, obj, before, after)
            if login is not None:
                logins.append((obj, login))
                continue
        # A new row's identity key is only set after the flush completes; read its primary key instead.
        state = inspect(obj)
        identity = state.identity or tuple(state.mapper.primary_key_from_instance(obj))
        identity = identity if all(part is not None for part in identity) else None
        rows.append(
            {
                "action": action,
                "entity": obj.__tablename__,
                "entity_id": ",".join(str(part) for part in identity) if identity else None,
                "before": before,
                "after": after,
            }
        )
    if rows:
        append_entries(session, rows, actor=actor, user_id=user_id)
    for user, row in logins:
        # The person logging in (or trying to) is who acted, though no one is logged in yet.
        append_entries(session, [row], actor=user.username, user_id=user.id)


def _login_event(session: Session, obj: Any, before: dict, after: dict) -> dict[str, Any] | None:
    """A login or failed login, when an account's update changed only FAB's login statistics."""
    if obj.__tablename__ != "ab_user" or not set(after) <= _LOGIN_STATISTICS:
        return None
    failures_before = before.get("fail_login_count") or 0
    failures_after = after.get("fail_login_count", failures_before) or 0
    if failures_after > failures_before:
        action, details = "failed_login", {"failed_attempts": failures_after}
    elif "login_count" in after or "last_login" in after:
        action, details = "login", {"method": session.info.pop(LOGIN_METHOD_KEY, "password")}
    else:
        return None
    return {"action": action, "entity": "ab_user", "entity_id": str(obj.id), "before": None, "after": details}


def append_entries(session: Session, rows: list[dict[str, Any]], *, actor: str, user_id: int | None) -> None:
    """Extends the chain with `rows` (action, entity, entity_id, before, after) in this transaction."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    last = conn.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    now = utcnow()
    reason = current_reason()
    values = []
    for row in rows:
        seq += 1
        record = {"seq": seq, "at": now, "actor": actor, "user_id": user_id, "prev_hash": prev_hash,
                  "reason": reason, **row}
        record["hash"] = prev_hash = entry_hash(chained_fields(record))
        values.append(record)
    conn.execute(insert(AuditEntry), values)


def install(session_class) -> None:
    """Attaches the audit listeners to a session class (Flask-SQLAlchemy's, for the app)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_flush", _after_flush)


def record(session: Session, action: str, entity: str, entity_id: str | None = None,
           details: dict[str, Any] | None = None) -> None:
    """Writes an event that is not a row change (an export, a verification) to the chain."""
    actor, user_id = current_actor()
    append_entries(session, [{"action": action, "entity": entity, "entity_id": entity_id,
                              "before": None, "after": details}], actor=actor, user_id=user_id)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    # Set when a signed checkpoint disagrees with the chain (app/services/audit_checkpoints.py).
    last_bad_seq: int | None = None
    checkpoint_at: str | None = None
    bad_line: int | None = None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walks the whole chain; reports the first row that was altered, removed or inserted."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    cols = [AuditEntry.id, AuditEntry.seq, AuditEntry.at, AuditEntry.actor, AuditEntry.user_id,
            AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.before,
            AuditEntry.after, AuditEntry.prev_hash, AuditEntry.hash, AuditEntry.reason]
    while True:
        rows = session.execute(
            select(*cols).where(AuditEntry.seq >= expected_seq).order_by(AuditEntry.seq).limit(batch)
        ).mappings().all()
        if not rows:
            return ChainReport(True, checked)
        for row in rows:
            if row["seq"] != expected_seq:
                return ChainReport(False, checked, expected_seq, "missing")
            if row["prev_hash"] != prev_hash:
                return ChainReport(False, checked, row["seq"], "broken link")
            if entry_hash(chained_fields(dict(row))) != row["hash"]:
                return ChainReport(False, checked, row["seq"], "altered")
            prev_hash, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1
