"""Reading the audit trail as a person would: each entry's record by its name, not its id.

A company is named by its name and CR number, a membership by its OCCI number, a
request by its reference, a certificate by its serial, an account by its user name.
The names of one page of entries are read with one query per record type; a record
deleted since is named from the values the entry kept.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask_appbuilder import Model
from sqlalchemy.orm import Session

# The attribute naming a record of each table, when it is not its name in the reader's language.
_NAMED_BY = {
    "membership": "occi_number",
    "service_order": "reference",
    "certificate": "serial",
    "ab_user": "username",
    "ab_role": "name",
    "voucher": "code",
    "payment": "transaction_uuid",
    "fee_schedule": "effective_from",
    "job_run": "job",
    "notification": "recipient",
}


def _models_by_table() -> dict[str, type]:
    found = {}
    for mapper in Model.registry.mappers:
        table = getattr(mapper.class_, "__tablename__", None)
        if table and len(mapper.primary_key) == 1:
            found.setdefault(table, mapper.class_)
    return found


def record_name(table: str, values: dict[str, Any] | Any, language: str) -> str | None:
    """The name of a record from its attributes (an object, or a dict of column values)."""
    def get(name: str) -> Any:
        return values.get(name) if isinstance(values, dict) else getattr(values, name, None)

    attribute = _NAMED_BY.get(table)
    if attribute is not None:
        value = get(attribute)
        return None if value is None else str(value)
    name_en, name_ar = get("name_en"), get("name_ar")
    name = (name_ar if language == "ar" and name_ar else name_en) or name_ar
    if name is not None:
        cr_number = get("cr_number")
        return f"{name} ({cr_number})" if cr_number else str(name)
    first, family = get("first_name"), get("family_name")
    if first or family:
        return " ".join(part for part in (first, family) if part)
    return None


def record_names(session: Session, entries: Iterable[Any], language: str) -> dict[tuple[str, str], str]:
    """(entity, entity_id) -> the record's name, for audit entries (objects with entity, entity_id, before, after)."""
    entries = [entry for entry in entries if entry.entity_id]
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        wanted[entry.entity].add(entry.entity_id)
    models = _models_by_table()
    names: dict[tuple[str, str], str] = {}
    for table, ids in wanted.items():
        model = models.get(table)
        if model is None:
            continue
        key = model.__mapper__.primary_key[0]
        try:
            typed = [key.type.python_type(value) for value in ids]
        except (TypeError, ValueError, NotImplementedError):
            continue
        for record in session.query(model).filter(key.in_(typed)):
            name = record_name(table, record, language)
            if name is not None:
                names[(table, str(getattr(record, key.key)))] = name
    for entry in entries:
        # A deleted record (or one whose name the query could not give) is named from the entry itself.
        if (entry.entity, entry.entity_id) not in names:
            name = record_name(entry.entity, {**(entry.after or {}), **(entry.before or {})}, language)
            if name is not None:
                names[(entry.entity, entry.entity_id)] = name
    return names
