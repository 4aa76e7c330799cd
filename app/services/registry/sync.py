"""Keeping the chamber's companies in step with the commercial registry: full and incremental sync.

Both read the registry's change feed (a full sync starts it again from the beginning);
each batch is compared with the chamber's data and written (app/services/registry/batch.py),
then committed together with the feed cursor in `registry_sync_state`
(app/services/registry/writer.py), so a sync that crashes resumes after the last batch it
saved, whichever kind it was. After the feed is read, each new pending change
(a name or grade that differs from the chamber's) is told to the company's verified
members once; they also see it on their dashboard until the matching service applies it.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.adapters.registry import CommercialRegistry
from app.adapters.registry.base import MAX_BATCH
from app.services.audit.trail import append_entries, current_actor
from app.services.notifications.bulk_outbox import OutgoingMessage, queue_many
from app.services.notifications.links import page_link, page_path
from app.infrastructure.clock import now_utc
from app.services.registry.companies import ReferenceCodes
from app.services.notifications.contacts import verified_contacts
from app.services.registry.batch import FLAG_DETAILS, MISSING, plan_batch
from app.services.registry.writer import InlineWriter, ThreadedWriter
from app.services.notifications.reminders import sms_not_before
from models import Company, Grade, Member, Membership, RegistryChange, RegistryFlag, RegistrySyncState, Signatory

log = logging.getLogger("ghurfa.registry_sync")

STATE_ID = 1
# Where a member applies each kind of change (the self-service wizards).
SERVICE_PAGES = {"name": "name_change", "grade": "grade_change"}
TEMPLATES = {"name": "registry_name_changed", "grade": "registry_grade_changed"}


def sync_state(session: Session) -> RegistrySyncState:
    state = session.get(RegistrySyncState, STATE_ID)
    if state is None:
        state = RegistrySyncState(id=STATE_ID, companies_seen=0)
        session.add(state)
        session.flush()
    return state


def sync_registry(session: Session, registry: CommercialRegistry, config: Mapping, *, full: bool = False,
                  batch_size: int | None = None, heartbeat: Callable[[int], None] | None = None) -> dict[str, int]:
    """Reads the registry's feed from the saved cursor (or from the start: `full`) and applies it batch by batch."""
    now = now_utc(config)
    state = sync_state(session)
    if full:
        state.cursor, state.full_started_at, state.companies_seen = None, now, 0
    elif state.full_started_at is not None:
        log.info("resuming the full registry import started at %s", state.full_started_at)
    state.last_run_at = now
    session.commit()
    size = batch_size or int(config.get("REGISTRY_FULL_SYNC_BATCH" if state.full_started_at else "REGISTRY_SYNC_BATCH")
                             or 1000)
    size = max(1, min(size, MAX_BATCH))
    codes = ReferenceCodes(session)
    actor = current_actor()
    started_at = time.perf_counter()
    registry_seconds = plan_seconds = 0.0
    batches = 0
    # On PostgreSQL writer threads write batches side by side while the next is read and compared.
    writers = int(config.get("REGISTRY_SYNC_WRITERS") or 0)
    writer = (ThreadedWriter(session.get_bind(), STATE_ID, actor, writers)
              if writers > 0 and session.get_bind().dialect.name == "postgresql"
              else InlineWriter(session, STATE_ID, actor))
    cursor = state.cursor
    # Read from the very start, the feed lists every company the registry holds: the others are missing there.
    listed: set[str] | None = set() if cursor is None else None
    with writer:
        while True:
            started = time.perf_counter()
            batch = registry.changes_since(cursor, size)
            read = time.perf_counter()
            plan = None
            if listed is not None:
                listed.update(company.cr_number for company in batch.companies)
            if batch.companies:
                writer.wait_for({company.cr_number for company in batch.companies})
                compare = time.perf_counter()
                plan = plan_batch(session, batch.companies, codes, now_utc(config))
                session.commit()  # ends the read; nothing was written
                plan_seconds += time.perf_counter() - compare
            writer.submit(plan, batch.next_cursor, len(batch.companies))
            batches += 1
            registry_seconds += read - started
            if heartbeat:
                heartbeat(len(batch.companies))
            if batch.done:
                break
            cursor = batch.next_cursor
    # Time spent waiting for the registry, and the rest (comparing and writing, overlapped on PostgreSQL).
    totals: dict[str, int] = {"batches": batches, "registry_ms": round(registry_seconds * 1000),
                              "apply_ms": round((time.perf_counter() - started_at - registry_seconds) * 1000),
                              "compare_ms": round(plan_seconds * 1000),
                              "write_ms": round(writer.write_seconds * 1000), **writer.counts.as_dict()}
    state = sync_state(session)
    finished = now_utc(config)
    if state.full_started_at is not None:
        state.last_full_sync_at, state.full_started_at = finished, None
    state.last_finished_at = finished
    session.commit()
    if listed is not None:
        totals.update(flag_missing_companies(session, listed, now, actor))
    totals["members_told"] = notify_pending_changes(session, config)
    return totals


def flag_missing_companies(session: Session, listed: set[str], now: dt.datetime,
                           actor: tuple[str, int | None]) -> dict[str, int]:
    """Flags for staff each company from the registry that the whole feed (`listed`) no longer names, on the
    audit chain signed by `actor` (name, user id); commits.

    An empty feed, or one missing more than a tenth of the companies (and over 100), is taken for a
    fault at the registry rather than news: nothing is flagged and the count is reported instead.
    """
    held = session.execute(select(Company.id, Company.cr_number).where(Company.registry_updated_at.is_not(None))).all()
    missing = {company_id: cr_number for company_id, cr_number in held if cr_number not in listed}
    if missing and (not listed or len(missing) > max(100, len(held) // 10)):
        log.error("the registry's feed left out %d of %d companies: not flagged, check the registry",
                  len(missing), len(held))
        return {"missing": len(missing), "missing_flagged": 0}
    already = set(session.scalars(select(RegistryFlag.company_id)
                                  .where(RegistryFlag.kind == MISSING, RegistryFlag.resolved_at.is_(None))))
    rows = [{"company_id": company_id, "kind": MISSING, "detected_at": now,
             "detail": FLAG_DETAILS[MISSING]}
            for company_id in missing if company_id not in already]
    if rows:
        session.execute(RegistryFlag.__table__.insert(), rows)
        # One entry names every company flagged (id: CR number), as the import entry names those created.
        append_entries(session, [{"action": "flag", "entity": "company", "entity_id": None, "before": None,
                                  "after": {MISSING: {str(r["company_id"]): missing[r["company_id"]] for r in rows}}}],
                       actor=actor[0], user_id=actor[1])
    session.commit()
    return {"missing": len(missing), "missing_flagged": len(rows)}


def notify_pending_changes(session: Session, config: Mapping, chunk: int = 1000) -> int:
    """Tells the members of each company about its new pending changes, once; returns the messages queued."""
    now = now_utc(config)
    sms_at = sms_not_before(config, now)
    old_grade, new_grade = aliased(Grade), aliased(Grade)
    queued = 0
    while True:
        rows = session.execute(
            select(RegistryChange, Company.name_en, Company.name_ar, old_grade, new_grade)
            .join(Company, Company.id == RegistryChange.company_id)
            .outerjoin(old_grade, old_grade.id == RegistryChange.old_grade_id)
            .outerjoin(new_grade, new_grade.id == RegistryChange.new_grade_id)
            .where(RegistryChange.notified_at.is_(None), RegistryChange.resolved_at.is_(None))
            .order_by(RegistryChange.id).limit(chunk)
        ).all()
        if not rows:
            return queued
        contacts = verified_contacts(session, {row[0].company_id for row in rows})
        messages = []
        for change, name_en, name_ar, old, new in rows:
            for contact in contacts.get(change.company_id, []):
                arabic = contact.language == "ar"
                messages.append(OutgoingMessage(
                    template=TEMPLATES[change.kind], language=contact.language,
                    context={
                        "name": contact.name,
                        "company": (name_ar if arabic else name_en) or name_en,
                        "old_name": change.old_name_ar if arabic else change.old_name_en,
                        "new_name": change.new_name_ar if arabic else change.new_name_en,
                        "old_grade": _grade_name(old, arabic), "new_grade": _grade_name(new, arabic),
                        "service_url": page_link(config, SERVICE_PAGES[change.kind]),
                    },
                    dedupe_key=f"registry_change:{change.id}:{contact.member_id}",
                    email=contact.email, mobile=contact.mobile, user_id=contact.user_id,
                    not_before=now, sms_not_before=sms_at))
        queued += queue_many(session, messages)
        # Marked even when nobody is verified yet: the dashboard shows it to whoever signs in later.
        session.execute(update(RegistryChange).where(RegistryChange.id.in_([row[0].id for row in rows]))
                        .values(notified_at=now))
        session.commit()


def _grade_name(grade: Grade | None, arabic: bool) -> str | None:
    if grade is None:
        return None
    return getattr(grade, "name_ar" if arabic else "name_en", None) or grade.code


@dataclass(frozen=True)
class PendingChange:
    id: int
    company_id: int
    cr_number: str
    company_name_en: str
    company_name_ar: str
    kind: str  # name | grade
    old_value_en: str | None
    old_value_ar: str | None
    new_value_en: str | None
    new_value_ar: str | None
    detected_at: dt.datetime
    service_path: str


def pending_changes_for_member(session: Session, member: Member) -> list[PendingChange]:
    """Open registry changes of the companies this member signs for, that the chamber has not applied yet."""
    if member is None or member.id_type != "civil_id":
        return []
    old_grade, new_grade = aliased(Grade), aliased(Grade)
    latest_grade = (select(Membership.grade_id).where(Membership.company_id == Company.id)
                    .order_by(Membership.expires_on.desc()).limit(1).scalar_subquery())
    rows = session.execute(
        select(RegistryChange, Company, old_grade, new_grade)
        .join(Company, Company.id == RegistryChange.company_id)
        .join(Signatory, and_(Signatory.company_id == Company.id, Signatory.civil_id == member.id_number,
                              Signatory.may_act))
        .outerjoin(old_grade, old_grade.id == RegistryChange.old_grade_id)
        .outerjoin(new_grade, new_grade.id == RegistryChange.new_grade_id)
        .where(RegistryChange.resolved_at.is_(None))
        # Still a difference: a change applied since (by a service or by staff) is not shown.
        .where(or_(
            and_(RegistryChange.kind == "name",
                 or_(Company.name_en != RegistryChange.new_name_en, Company.name_ar != RegistryChange.new_name_ar)),
            and_(RegistryChange.kind == "grade", latest_grade != RegistryChange.new_grade_id),
        ))
        .order_by(RegistryChange.detected_at, RegistryChange.id)
    ).all()
    result = []
    for change, company, old, new in rows:
        if change.kind == "name":
            values = (change.old_name_en, change.old_name_ar, change.new_name_en, change.new_name_ar)
        else:
            values = (_grade_name(old, False), _grade_name(old, True), _grade_name(new, False), _grade_name(new, True))
        result.append(PendingChange(change.id, company.id, company.cr_number, company.name_en, company.name_ar,
                                    change.kind, *values, change.detected_at, page_path(SERVICE_PAGES[change.kind])))
    return result


def resolve_changes(session: Session, company_id: int, kind: str, now: dt.datetime) -> int:
    """Closes the company's open changes of `kind` (call it when the name or grade change is applied); no commit."""
    return session.execute(
        update(RegistryChange)
        .where(RegistryChange.company_id == company_id, RegistryChange.kind == kind,
               RegistryChange.resolved_at.is_(None))
        .values(resolved_at=now)
    ).rowcount


def mark_flags_handled(session: Session, flag_ids: list[int], username: str, config: Mapping) -> int:
    """Staff looked at these flags: closes the open ones (audited) and commits; returns how many."""
    from models import RegistryFlag

    now = now_utc(config)
    count = 0
    for flag in session.scalars(select(RegistryFlag).where(RegistryFlag.id.in_(flag_ids),
                                                           RegistryFlag.resolved_at.is_(None))):
        flag.resolved_at, flag.resolved_by = now, username
        count += 1
    session.commit()
    return count
