"""One batch of registry companies: compare with what the chamber holds, then write only what changed.

`plan_batch` only reads: one query for the companies, one for their signatories, one for
the memberships whose grade matters, one each for open changes and flags; what it works
out is a `BatchPlan`. `write_batch` carries a plan out with set-based statements: on
PostgreSQL the rows are COPYed into a temporary table and merged with one INSERT ... ON
CONFLICT DO UPDATE per table; elsewhere an executemany upsert. The two halves let the sync
compare the next batch while the database writes this one (app/services/registry/writer.py).
The ORM's per-row audit does not see these statements, so each changed company gets one
audit entry here, with the fields that changed (and the signatories added/removed); the
companies a batch creates are named in one entry for the batch.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.adapters.registry import RegistryCompany
from app.domain.messages import N_
from app.services.audit.trail import append_entries, _json_value
from app.infrastructure.bulk_sql import among, bulk_upsert
from app.services.registry.companies import ReferenceCodes
from models import Company, Membership, RegistryChange, RegistryFlag, Signatory

# The registry's own fields: a difference in any of them means the company changed.
REGISTRY_FIELDS = ("registry_name_en", "registry_name_ar", "address", "governorate_id", "registry_grade_id",
                   "cr_status", "cr_expires_on", "registry_updated_at")
FLAGGED_STATUSES = {"cancelled": "cr_cancelled", "expired": "cr_expired"}
MISSING = "cr_missing"  # the flag of a company a full sync did not find at the registry
# Stored in English, shown to staff in their language (the back office translates them).
FLAG_DETAILS = {
    "cr_cancelled": N_("The commercial registry now lists this CR as cancelled."),
    "cr_expired": N_("The commercial registry now lists this CR as expired."),
    MISSING: N_("The commercial registry no longer lists this CR."),
}


@dataclass
class BatchCounts:
    companies: int = 0
    created: int = 0
    updated: int = 0
    name_changes: int = 0
    grade_changes: int = 0
    changes_resolved: int = 0
    flags: int = 0
    signatories_added: int = 0
    signatories_removed: int = 0
    audited: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def add(self, other: "BatchCounts") -> None:
        for key, value in other.__dict__.items():
            setattr(self, key, getattr(self, key) + value)


@dataclass
class _CompanyPlan:
    record: RegistryCompany
    values: dict[str, Any] | None  # the registry's fields, when new or changed
    before: dict[str, Any] | None  # None: a new company
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def registry_values(record: RegistryCompany, codes: ReferenceCodes) -> tuple:
    """The registry's fields of a record, in REGISTRY_FIELDS order (tuples compare fast, 100,000 at a time)."""
    updated_at = record.updated_at
    if updated_at.tzinfo is not None:
        updated_at = updated_at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return (record.name_en, record.name_ar, record.address, codes.governorates.get(record.governorate_code),
            codes.grades.get(record.grade_code), record.status, record.expires_on, updated_at)


@dataclass
class BatchPlan:
    """What one batch writes, worked out from reads alone."""
    companies: dict[str, _CompanyPlan]  # by CR number
    ids: dict[str, int]  # the ids of the companies the chamber already holds, by CR number
    company_rows: list[dict[str, Any]]
    signatory_rows: list[tuple[str, dict[str, Any]]]  # (CR number, row without its company id)
    deactivate: list[int]  # signatories the registry no longer lists
    change_rows: list[dict[str, Any]]
    closed_changes: list[int]  # resolved or superseded
    flag_rows: list[dict[str, Any]]
    flags_answered: list[int]  # companies active again: their open flags close
    counts: BatchCounts
    now: dt.datetime

    @property
    def cr_numbers(self) -> set[str]:
        return set(self.companies)


def plan_batch(session: Session, records: Sequence[RegistryCompany], codes: ReferenceCodes,
               now: dt.datetime) -> BatchPlan:
    """Compares a batch with what the chamber holds; reads only."""
    conn = session.connection()
    # The feed may list a company twice in one page only if it changed twice; the last word counts.
    latest = {record.cr_number: record for record in records}
    columns = [Company.id, Company.cr_number, Company.name_en, Company.name_ar] + [getattr(Company, f) for f in REGISTRY_FIELDS]
    # .all(): one fetch for the batch (iterating the result would fetch row by row).
    rows = conn.execute(select(*columns).where(among(session, Company.cr_number, latest))).all()
    existing = {row[1]: row for row in rows}
    plans, ids = {}, {}
    for cr_number, record in latest.items():
        values = registry_values(record, codes)
        row = existing.get(cr_number)
        if row is None:
            plans[cr_number] = _CompanyPlan(record, dict(zip(REGISTRY_FIELDS, values)), None)
            continue
        ids[cr_number] = row[0]
        held = tuple(row[4:])
        plan = _CompanyPlan(record, None, {"id": row[0], "name_en": row[2], "name_ar": row[3]})
        if held != values:
            plan.values = dict(zip(REGISTRY_FIELDS, values))
            plan.before.update(zip(REGISTRY_FIELDS, held))
            plan.changed = {f: (old, new) for f, old, new in zip(REGISTRY_FIELDS, held, values) if old != new}
        plans[cr_number] = plan

    company_rows = [
        {"cr_number": cr, "name_en": p.record.name_en or p.record.name_ar, "name_ar": p.record.name_ar,
         **p.values, "created_at": now, "updated_at": now}
        for cr, p in plans.items() if p.before is None or p.changed
    ]
    counts = BatchCounts(companies=len(records))
    signatory_rows, deactivate = _plan_signatories(session, plans, ids, now)
    change_rows, closed_changes = _plan_changes(session, plans, now, counts)
    flag_rows, flags_answered = _plan_flags(session, plans, now)
    counts.created = sum(1 for p in plans.values() if p.before is None)
    counts.updated = sum(1 for p in plans.values() if p.before is not None and p.changed)
    counts.signatories_added = sum(len(p.added) for p in plans.values())
    counts.signatories_removed = sum(len(p.removed) for p in plans.values())
    counts.flags = len(flag_rows)
    return BatchPlan(plans, ids, company_rows, signatory_rows, deactivate, change_rows, closed_changes,
                     flag_rows, flags_answered, counts, now)


def write_batch(session: Session, plan: BatchPlan) -> dict[str, int]:
    """Carries out a plan's writes in the session's transaction (no commit); gives every company's id by CR.

    Touches only the plan's companies (and their signatories, changes and flags), so batches with no
    company in common can be written side by side; `audit_batch` then extends the audit chain.
    """
    conn = session.connection()
    now = plan.now
    ids = dict(plan.ids)
    # Every company written comes back with its id: the new ones get theirs here.
    ids.update(bulk_upsert(session, Company.__table__, plan.company_rows, ["cr_number"],
                           list(REGISTRY_FIELDS) + ["updated_at"], returning=["cr_number", "id"]))
    bulk_upsert(session, Signatory.__table__, [{"company_id": ids[cr], **row} for cr, row in plan.signatory_rows],
                ["company_id", "civil_id"], ["name_en", "name_ar", "role", "active", "updated_at"])
    if plan.deactivate:
        conn.execute(update(Signatory.__table__).where(Signatory.__table__.c.id == bindparam("sid"))
                     .values(active=False, updated_at=now), [{"sid": sid} for sid in plan.deactivate])
    if plan.closed_changes:
        # A change the registry replaced by a newer one is closed too: the member is told about the newer one.
        conn.execute(update(RegistryChange).where(RegistryChange.id.in_(plan.closed_changes)).values(resolved_at=now))
    if plan.change_rows:
        conn.execute(RegistryChange.__table__.insert(), plan.change_rows)
    if plan.flag_rows:
        conn.execute(RegistryFlag.__table__.insert(), plan.flag_rows)
    if plan.flags_answered:
        # Active again at the registry: the open flags answer themselves.
        conn.execute(update(RegistryFlag)
                     .where(RegistryFlag.company_id.in_(plan.flags_answered), RegistryFlag.resolved_at.is_(None))
                     .values(resolved_at=now, resolved_by="registry"))
    if plan.ids:
        # Listed by the registry again: a company a full sync found missing is no longer missing.
        conn.execute(update(RegistryFlag)
                     .where(RegistryFlag.kind == MISSING, RegistryFlag.resolved_at.is_(None),
                            among(session, RegistryFlag.company_id, plan.ids.values()))
                     .values(resolved_at=now, resolved_by="registry"))
    return ids


def _plan_signatories(session: Session, plans: dict[str, _CompanyPlan], ids: dict[str, int],
                      now: dt.datetime) -> tuple[list[tuple[str, dict[str, Any]]], list[int]]:
    by_company: dict[int, dict[str, tuple]] = {}
    if ids:
        for sid, company_id, civil_id, name_en, name_ar, role, active in session.connection().execute(
            select(Signatory.id, Signatory.company_id, Signatory.civil_id, Signatory.name_en, Signatory.name_ar,
                   Signatory.role, Signatory.active).where(among(session, Signatory.company_id, ids.values()))
        ).all():
            by_company.setdefault(company_id, {})[civil_id] = (name_en, name_ar, role, bool(active), sid)
    rows, deactivate = [], []
    for cr_number, plan in plans.items():
        held = by_company.get(ids[cr_number], {}) if cr_number in ids else {}
        listed = set()
        for source in plan.record.signatories:
            civil_id = source.civil_id
            listed.add(civil_id)
            current = held.get(civil_id)
            if current is not None and current[:4] == (source.name_en, source.name_ar, source.role, True):
                continue
            if current is None or not current[3]:
                plan.added.append(civil_id)
            rows.append((cr_number, {"civil_id": civil_id, "name_en": source.name_en, "name_ar": source.name_ar,
                                     "role": source.role, "active": True, "created_at": now, "updated_at": now}))
        for civil_id, current in held.items():
            if current[3] and civil_id not in listed:
                # Removed at the registry: no longer allowed to act for the company, from now on.
                plan.removed.append(civil_id)
                deactivate.append(current[4])
    return rows, deactivate


def _plan_changes(session: Session, plans: dict[str, _CompanyPlan], now: dt.datetime,
                  counts: BatchCounts) -> tuple[list[dict[str, Any]], list[int]]:
    """A registry name or grade that now differs from the chamber's becomes a pending change; one that
    matches again closes it."""
    touched = {p.before["id"]: p for p in plans.values()
               if p.before is not None and ({"registry_name_en", "registry_name_ar", "registry_grade_id"} & set(p.changed))}
    if not touched:
        return [], []
    grades: dict[int, int] = {}
    for company_id, grade_id in session.execute(
        select(Membership.company_id, Membership.grade_id).where(among(session, Membership.company_id, touched))
        .order_by(Membership.company_id, Membership.expires_on)
    ):
        grades[company_id] = grade_id  # the latest membership's grade wins
    open_changes = {(c.company_id, c.kind): c.id for c in session.execute(
        select(RegistryChange.id, RegistryChange.company_id, RegistryChange.kind)
        .where(among(session, RegistryChange.company_id, touched), RegistryChange.resolved_at.is_(None)))}
    new_rows, superseded, resolved = [], [], []
    for company_id, plan in touched.items():
        before, values = plan.before, plan.values
        if {"registry_name_en", "registry_name_ar"} & set(plan.changed):
            chamber = (before["name_en"], before["name_ar"])
            registry = (values["registry_name_en"] or values["registry_name_ar"], values["registry_name_ar"])
            if (company_id, "name") in open_changes:
                (resolved if registry == chamber else superseded).append(open_changes[(company_id, "name")])
            if registry != chamber:
                new_rows.append({"company_id": company_id, "kind": "name", "old_name_en": chamber[0],
                                 "old_name_ar": chamber[1], "new_name_en": registry[0], "new_name_ar": registry[1],
                                 "old_grade_id": None, "new_grade_id": None, "detected_at": now})
        if "registry_grade_id" in plan.changed and company_id in grades:
            held, registry_grade = grades[company_id], values["registry_grade_id"]
            if (company_id, "grade") in open_changes:
                (resolved if registry_grade == held else superseded).append(open_changes[(company_id, "grade")])
            if registry_grade is not None and registry_grade != held:
                new_rows.append({"company_id": company_id, "kind": "grade", "old_name_en": None,
                                 "old_name_ar": None, "new_name_en": None, "new_name_ar": None,
                                 "old_grade_id": held, "new_grade_id": registry_grade, "detected_at": now})
    counts.name_changes = sum(1 for r in new_rows if r["kind"] == "name")
    counts.grade_changes = sum(1 for r in new_rows if r["kind"] == "grade")
    counts.changes_resolved = len(resolved)
    return new_rows, resolved + superseded


def _plan_flags(session: Session, plans: dict[str, _CompanyPlan], now: dt.datetime) -> tuple[list[dict[str, Any]], list[int]]:
    moved = {p.before["id"]: p.values["cr_status"] for p in plans.values()
             if p.before is not None and "cr_status" in p.changed}
    if not moved:
        return [], []
    open_flags = set(session.execute(
        select(RegistryFlag.company_id, RegistryFlag.kind)
        .where(among(session, RegistryFlag.company_id, moved), RegistryFlag.resolved_at.is_(None))).all())
    rows = [{"company_id": cid, "kind": FLAGGED_STATUSES[status], "detected_at": now,
             "detail": FLAG_DETAILS[FLAGGED_STATUSES[status]]}
            for cid, status in moved.items()
            if status in FLAGGED_STATUSES and (cid, FLAGGED_STATUSES[status]) not in open_flags]
    return rows, [cid for cid, status in moved.items() if status == "active"]


def audit_batch(session: Session, plan: BatchPlan, ids: dict[str, int], actor: tuple[str, int | None]) -> BatchCounts:
    """Puts the batch's creations and changes on the audit chain, signed by `actor` (name, user id); gives its counts."""
    entries = []
    created = {cr_number: ids[cr_number] for cr_number, company in plan.companies.items() if company.before is None}
    if created:
        # New companies are copies of registry records: one entry per batch names each of them (CR number and
        # id), which keeps a 100,000-company first import cheap while every creation stays on the chain.
        entries.append({"action": "import", "entity": "company", "entity_id": None, "before": None,
                        "after": {"created": created}})
    for cr_number, company in plan.companies.items():
        if company.before is None:
            continue
        if company.changed or company.added or company.removed:
            before = {k: _json_value(old) for k, (old, _) in company.changed.items()}
            after = {k: _json_value(new) for k, (_, new) in company.changed.items()}
            if company.added:
                after["signatories_added"] = company.added
            if company.removed:
                after["signatories_removed"] = company.removed
            entries.append({"action": "update", "entity": "company", "entity_id": str(ids[cr_number]),
                            "before": before, "after": after})
    if entries:
        append_entries(session, entries, actor=actor[0], user_id=actor[1])
    return BatchCounts(**{**plan.counts.as_dict(), "audited": len(entries)})
