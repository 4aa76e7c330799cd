"""Conditional status changes: the one statement that lets exactly one of several racers win.

`change_status` runs `UPDATE <table> SET status=:new ... WHERE id=:id AND status=:old` for each
allowed old status in turn and reports whether a row changed. On PostgreSQL a second
transaction waits for the first's row lock and then finds the status already changed; on
SQLite writers are serialised. Bulk UPDATE statements do not pass through the ORM flush,
so the audit row is written here, in the same transaction.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.services.audit.trail import append_entries, current_actor


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def change_status(session: Session, obj: Any, allowed: Iterable[str], new_status: str,
                  **values: Any) -> bool:
    """Moves `obj` to `new_status` if its stored status is one of `allowed`; True if it did."""
    model = type(obj)
    for previous in allowed:
        result = session.execute(
            update(model)
            .where(model.id == obj.id, model.status == previous)
            .values(status=new_status, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            actor, user_id = current_actor()
            after = {"status": new_status, **{k: _json(v) for k, v in values.items()}}
            append_entries(session, [{
                "action": "update", "entity": model.__tablename__, "entity_id": str(obj.id),
                "before": {"status": previous}, "after": after,
            }], actor=actor, user_id=user_id)
            session.expire(obj)
            return True
    session.expire(obj)
    return False
