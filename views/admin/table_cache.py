"""What a back-office page computes from whole tables, kept a short while in each worker.

Row counts of lists and searches, small select boxes' options and lists' empty search forms
(views/admin/scale.py, views/admin/widgets.py). An entry names the tables it was computed
from; a commit that changes one of them drops it in this worker at once.
"""
from __future__ import annotations

import threading
import time

from flask import current_app
from sqlalchemy import Delete, Insert, Update, event
from sqlalchemy.engine import Engine


class TableCache:
    """What a page computes from a whole table, kept for BACK_OFFICE_CACHE_SECONDS in this process.

    The row counts of lists and searches (100,000 companies would otherwise be counted for
    the "Record Count" and the page links of every page, an index scan of about 10 ms), the
    options of a small table's select box (grades, governorates), a query on every list page,
    and a list's empty search form. An entry names the table, or the tables, it was computed
    from: inserts, updates and deletes this process commits to one of them drop it at once
    (ORM or Core); another process's show within the TTL. 0 turns it off.
    """

    def __init__(self) -> None:
        self._values: dict[tuple, tuple[object, float]] = {}
        self._lock = threading.Lock()

    def get(self, session, table: str | tuple[str, ...], kind: object, compute):
        ttl = current_app.config.get("BACK_OFFICE_CACHE_SECONDS", 0)
        if ttl <= 0:
            return compute()
        key = (str(session.get_bind().url), table, kind)
        now = time.monotonic()
        cached = self._values.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        value = compute()
        with self._lock:
            self._values[key] = (value, now + ttl)
        return value

    def forget(self, url: str, tables: set[str]) -> None:
        with self._lock:
            for key in [key for key in self._values if key[0] == url and _names_any(key[1], tables)]:
                self._values.pop(key, None)

    def install(self) -> None:
        """Drops a table's entries when a connection commits a change to it."""
        if not event.contains(Engine, "after_execute", _note_table_change):
            event.listen(Engine, "after_execute", _note_table_change)
            event.listen(Engine, "commit", _forget_committed_changes)
            event.listen(Engine, "rollback", _drop_noted_changes)


table_cache = TableCache()


def tables_read(datamodel, columns) -> str | tuple[str, ...]:
    """The tables an entry computed over `datamodel`'s table and these columns reads: the table itself, and the
    related table of each column that is a relation (the name alone when there is none)."""
    related = sorted({datamodel.get_related_model(column).__table__.name for column in columns
                      if datamodel.is_relation(column)})
    return (datamodel.obj.__table__.name, *related) if related else datamodel.obj.__table__.name


def _names_any(table: str | tuple[str, ...], tables: set[str]) -> bool:
    """Whether an entry kept for `table` (one name, or a tuple of the tables it was computed from) reads any of `tables`."""
    return table in tables if isinstance(table, str) else not tables.isdisjoint(table)


def _connection_info(conn) -> dict | None:
    """The connection's info, or None once the database has cut it off: reading `conn.info` then
    would try to reconnect inside the failed transaction and raise PendingRollbackError (during
    the very rollback that ends it). The cut connection is discarded with whatever it noted."""
    if conn.invalidated or conn.closed:
        return None
    return conn.info


def _note_table_change(conn, clauseelement, multiparams, params, execution_options, result) -> None:
    if isinstance(clauseelement, (Insert, Update, Delete)):
        info = _connection_info(conn)
        if info is not None:
            info.setdefault("ghurfa_changed_tables", set()).add(clauseelement.table.name)


def _forget_committed_changes(conn) -> None:
    info = _connection_info(conn)
    changed = info.pop("ghurfa_changed_tables", None) if info is not None else None
    if changed:
        table_cache.forget(str(conn.engine.url), changed)


def _drop_noted_changes(conn) -> None:
    info = _connection_info(conn)
    if info is not None:
        info.pop("ghurfa_changed_tables", None)
