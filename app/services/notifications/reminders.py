"""Membership expiry reminders: an email and an SMS to each verified member, once per offset and expiry date.

Which offset is due (and the catch-up rule) is decided in app/domain/reminders.py. Here:
memberships are read in chunks; for each chunk the `reminder_sent` rows and the queued
messages are written in one transaction, the reminder rows first with ON CONFLICT DO
NOTHING ... RETURNING, so only the run that inserted a row queues its messages. A run
that crashes half-way loses only its uncommitted chunk, which the next run sends.
A membership renewed in between has a new expiry date: nothing more for the old one.
A membership with no verified member is not marked, so a member who verifies later
still gets the reminder that is due then.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.reminders import (
    candidate_expiry_range, parse_clock_time, reminder_to_send, sms_send_time, template_for,
)
from app.services.notifications.bulk_outbox import OutgoingMessage, queue_many
from app.infrastructure.bulk_sql import bulk_insert_ignore
from app.infrastructure.clock import MUSCAT, now_utc, today as chamber_today
from app.services.notifications.contacts import verified_contacts
from app.services.notifications.links import page_link
from app.domain.messages import N_
from app.services.audit import trail as audit
from app.services.settings import policies
from app.services.membership.refusals import ServiceRefusal
from models import Company, Membership, ReminderSent

CHUNK = 1000


def reminder_settings(config: Mapping) -> tuple[tuple[int, ...], int, dt.time, dt.time]:
    """Offsets and quiet hours as set in the back office (or the environment); read at every run."""
    offsets = policies.reminder_offsets(config)
    window = int(config.get("REMINDER_LAST_WINDOW_DAYS") or 7)
    start, end = policies.quiet_hours(config)
    return offsets, window, parse_clock_time(start), parse_clock_time(end)


def sms_not_before(config: Mapping, now: dt.datetime) -> dt.datetime:
    """When an SMS queued at `now` (naive UTC) may go: after quiet hours in Muscat, as naive UTC."""
    _, _, start, end = reminder_settings(config)
    local = now.replace(tzinfo=dt.timezone.utc).astimezone(MUSCAT)
    return sms_send_time(local, start, end).astimezone(dt.timezone.utc).replace(tzinfo=None)


def send_due_reminders(session: Session, config: Mapping, *, chunk: int | None = None,
                       heartbeat: Callable[[int], None] | None = None) -> dict[str, int]:
    """Queues every reminder due today; commits per chunk. Returns counts for the job record."""
    chunk = chunk or CHUNK
    offsets, window, _, _ = reminder_settings(config)
    today = chamber_today(config)
    now = now_utc(config)
    sms_at = sms_not_before(config, now)
    first, last = candidate_expiry_range(today, offsets, window)
    candidates = session.execute(
        select(Membership.id, Membership.company_id, Membership.occi_number, Membership.expires_on,
               Company.name_en, Company.name_ar)
        .join(Company, Company.id == Membership.company_id)
        .where(Membership.expires_on >= first, Membership.expires_on <= last)
        .order_by(Membership.id)
    ).all()
    counts = {"candidates": len(candidates), "reminders": 0, "messages": 0, "no_recipient": 0, "already_sent": 0}
    renewal_url = page_link(config, "renewal")
    for start in range(0, len(candidates), chunk):
        part = candidates[start:start + chunk]
        _send_chunk(session, part, offsets, window, today, now, sms_at, renewal_url, counts)
        session.commit()
        if heartbeat:
            heartbeat(len(part))
    return counts


def _send_chunk(session: Session, part, offsets, window, today, now, sms_at, renewal_url, counts) -> None:
    sent: dict[tuple[int, dt.date], set[int]] = {}
    for membership_id, offset, expires_on in session.execute(
        select(ReminderSent.membership_id, ReminderSent.offset_days, ReminderSent.expires_on)
        .where(ReminderSent.membership_id.in_([row.id for row in part]))
    ):
        sent.setdefault((membership_id, expires_on), set()).add(offset)
    due = []
    for row in part:
        already = sent.get((row.id, row.expires_on), set())
        offset = reminder_to_send(row.expires_on, today, offsets, already, window)
        if offset is None:
            counts["already_sent"] += 1
        else:
            due.append((row, offset))
    if not due:
        return
    contacts = verified_contacts(session, {row.company_id for row, _ in due})
    reachable = [(row, offset) for row, offset in due if contacts.get(row.company_id)]
    counts["no_recipient"] += len(due) - len(reachable)
    if not reachable:
        return
    won = _mark_sent(session, [
        {"membership_id": row.id, "offset_days": offset, "expires_on": row.expires_on,
         "recipients": len(contacts[row.company_id]), "queued_at": now}
        for row, offset in reachable
    ])
    messages = []
    for row, offset in reachable:
        if (row.id, offset, row.expires_on) not in won:
            counts["already_sent"] += 1  # a concurrent run got there first
            continue
        counts["reminders"] += 1
        for contact in contacts[row.company_id]:
            messages.append(OutgoingMessage(
                template=template_for(offset), language=contact.language,
                context=_context(row, contact, renewal_url, offset),
                # Per member: two signatories of one company each get their own message.
                dedupe_key=f"reminder:{row.id}:{row.expires_on.isoformat()}:{offset}:{contact.member_id}",
                email=contact.email, mobile=contact.mobile, user_id=contact.user_id,
                not_before=now, sms_not_before=sms_at,
            ))
    counts["messages"] += queue_many(session, messages)


def _mark_sent(session: Session, rows: list[dict[str, Any]]) -> set[tuple[int, int, dt.date]]:
    key = ["membership_id", "offset_days", "expires_on"]
    return set(bulk_insert_ignore(session, ReminderSent.__table__, rows, key, key))


def _context(row, contact, renewal_url: str, offset: int) -> dict[str, Any]:
    arabic = contact.language == "ar"
    return {
        # Days before the expiry date (after it, for the reminder after expiry): a text may say
        # something else at each offset ({% if days == 1 %}...{% endif %}).
        "days": abs(offset),
        "name": contact.name,
        "company": (row.name_ar if arabic else row.name_en) or row.name_en or row.name_ar,
        "occi_number": row.occi_number,
        "expires_on": format_date(row.expires_on, "long", locale="ar" if arabic else "en"),
        "renewal_url": renewal_url,
    }


class NoOneToRemind(ServiceRefusal):
    message_id = N_("No verified member signs for this company, so there is nobody to remind.")


def remind_now(session: Session, membership: Membership, config: Mapping) -> int:
    """Staff's "Send reminder now": the reminder due for the membership's expiry, at once (commits).

    Not counted as a scheduled offset, so the scheduled reminders still go; each press
    queues its own messages. Returns how many messages were queued.
    """
    today = chamber_today(config)
    now = now_utc(config)
    contacts = verified_contacts(session, [membership.company_id]).get(membership.company_id)
    if not contacts:
        raise NoOneToRemind()
    company = membership.company
    row = SimpleNamespace(id=membership.id, occi_number=membership.occi_number, expires_on=membership.expires_on,
                          name_en=company.name_en, name_ar=company.name_ar)
    offset = (membership.expires_on - today).days
    renewal_url = page_link(config, "renewal")
    press = uuid.uuid4().hex[:12]
    messages = [OutgoingMessage(
        template=template_for(offset), language=contact.language, context=_context(row, contact, renewal_url, offset),
        dedupe_key=f"reminder:{membership.id}:{membership.expires_on.isoformat()}:now:{press}:{contact.member_id}",
        email=contact.email, mobile=contact.mobile, user_id=contact.user_id,
        not_before=now, sms_not_before=sms_not_before(config, now),
    ) for contact in contacts]
    queued = queue_many(session, messages)
    audit.record(session, "remind", "membership", str(membership.id),
                 {"occi_number": membership.occi_number, "expires_on": membership.expires_on.isoformat(),
                  "messages": queued})
    session.commit()
    return queued
