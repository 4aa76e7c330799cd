"""Database refusals in the back office turned into a sentence in the reader's language naming the field.

FAB would flash the driver's text (`IntegrityError ... INSERT INTO grade_fee ...`) or a bare
"Already exists.". Here a unique, check, not-null or foreign-key violation is traced to its
columns through the table's own constraints and indexes, and reported with the view's labels;
the driver's text goes only to the log.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from flask import g
from flask_babel import gettext
from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

log = logging.getLogger("ghurfa.admin")

from app.domain.messages import N_

# msgids, translated when the message is made (in the reader's request)
UNIQUE = N_("%(field)s: another record already has this value.")
CHECK = N_("%(field)s: this value is not allowed.")
REQUIRED = N_("%(field)s: this field is required.")
MISSING_RELATED = N_("%(field)s: the chosen record does not exist.")
STILL_USED = N_("This record is still used by other records, so it cannot be deleted.")
NOT_SAVED = N_("The record could not be saved. Check the values and try again.")

_PG_CODES = {"23505": "unique", "23514": "check", "23502": "not_null", "23503": "foreign_key"}
_SQLITE_KINDS = (("UNIQUE constraint failed", "unique"), ("CHECK constraint failed", "check"),
                 ("NOT NULL constraint failed", "not_null"), ("FOREIGN KEY constraint failed", "foreign_key"))


class RecordRefused(Exception):
    """What FAB flashes instead of the database's text."""


class UniqueMessage:
    """The message of FAB's Unique validator, naming the field, translated when shown."""

    def __init__(self, label) -> None:
        self.label = label

    def __str__(self) -> str:
        return gettext(UNIQUE, field=str(self.label))

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


def _kind_and_names(error: IntegrityError) -> tuple[str | None, list[str], str | None]:
    """('unique'|'check'|..., column names named by the driver, constraint name)."""
    orig = error.orig
    diag = getattr(orig, "diag", None)
    if diag is not None:  # psycopg
        kind = _PG_CODES.get(getattr(orig, "sqlstate", None) or "")
        columns = []
        detail = diag.message_detail or ""
        match = re.search(r"Key \(([^)]*)\)=", detail)
        if match:
            columns = [c.strip() for c in match.group(1).split(",")]
        if diag.column_name:
            columns = [diag.column_name]
        return kind, columns, diag.constraint_name
    text = str(orig)
    for prefix, kind in _SQLITE_KINDS:
        if text.startswith(prefix):
            rest = text[len(prefix):].lstrip(": ").strip()
            if kind == "check":
                return kind, [], rest
            return kind, [part.split(".")[-1] for part in rest.split(", ") if part], None
    return None, [], None


def _constraint_columns(table: Table, name: str | None) -> list[str]:
    if not name:
        return []
    for constraint in [*table.constraints, *table.indexes]:
        if constraint.name == name:
            columns = [c.name for c in getattr(constraint, "columns", [])]
            if not columns and hasattr(constraint, "sqltext"):
                words = set(re.findall(r"[a-z_]+", str(constraint.sqltext)))
                columns = [c.name for c in table.columns if c.name in words]
            return columns
    return []


def _field(table: Table, columns: list[str], labels: Mapping[str, object]) -> str | None:
    names = []
    for column in columns:
        # A foreign key column (company_id) is shown under its relation's label (company).
        label = labels.get(column) or labels.get(column.removesuffix("_id"))
        if label is not None:
            names.append(str(label))
    return ", ".join(names) or None


def describe(error: SQLAlchemyError, table: Table, labels: Mapping[str, object], *, deleting: bool = False) -> str:
    """The sentence a reader sees for `error`, in their language."""
    if not isinstance(error, IntegrityError):
        return gettext(NOT_SAVED)
    kind, columns, constraint = _kind_and_names(error)
    if kind == "foreign_key" and deleting:
        return gettext(STILL_USED)
    columns = columns or _constraint_columns(table, constraint)
    field = _field(table, columns, labels)
    if field is None:
        return gettext(STILL_USED if deleting else NOT_SAVED)
    template = {"unique": UNIQUE, "check": CHECK, "not_null": REQUIRED, "foreign_key": MISSING_RELATED}.get(kind)
    return gettext(template, field=field) if template is not None else gettext(NOT_SAVED)


def refuse(error: SQLAlchemyError, table: Table, labels: Mapping[str, object], *, deleting: bool = False):
    """Logs the database's text for staff and raises RecordRefused with the reader's sentence."""
    log.warning("back-office change refused by the database: %s", error)
    message = describe(error, table, labels, deleting=deleting)
    g.ghurfa_refusal = message
    raise RecordRefused(message) from None


def last_refusal(default_msgid: str) -> str:
    return g.get("ghurfa_refusal") or gettext(default_msgid)
