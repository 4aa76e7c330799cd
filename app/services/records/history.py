"""One page per company and per member account: everything that touched it, newest first.

Reads only. Each list is bounded (`LIMIT` rows) so a company with years of history still
opens at once; the lists link to the full records.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from models import (
    AuditEntry, Certificate, Company, Member, Membership, Notification, RegistryFlag, ServiceOrder, Signatory,
)

LIMIT = 200


@dataclass
class History:
    company: Company | None = None
    member: Member | None = None
    companies: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    signatories: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    registry_flags: list = field(default_factory=list)
    refunds: list = field(default_factory=list)
    counter_visits: list = field(default_factory=list)
    audit_entries: list = field(default_factory=list)


def _orders(session: Session, *criteria) -> list[ServiceOrder]:
    return list(session.scalars(
        select(ServiceOrder).where(*criteria)
        .options(selectinload(ServiceOrder.lines), selectinload(ServiceOrder.payments))
        .order_by(ServiceOrder.created_at.desc(), ServiceOrder.id.desc()).limit(LIMIT)))


def _audit(session: Session, pairs: dict[str, list[int]], user_id: int | None = None) -> list[AuditEntry]:
    conditions = [and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_([str(i) for i in ids]))
                  for entity, ids in pairs.items() if ids]
    if user_id is not None:
        conditions.append(AuditEntry.user_id == user_id)
    if not conditions:
        return []
    return list(session.scalars(select(AuditEntry).where(or_(*conditions))
                                .order_by(AuditEntry.seq.desc()).limit(LIMIT)))


def _extensions(session: Session, history: History, order_ids: list[int], company_ids: list[int]) -> dict:
    """Refunds and counter visits (app/services/counter); the audit entities they add."""
    from app.services.counter.history import counter_history

    history.refunds, history.counter_visits, extra = counter_history(session, order_ids, company_ids, LIMIT)
    return extra


def company_history(session: Session, company_id: int) -> History | None:
    company = session.get(Company, company_id)
    if company is None:
        return None
    history = History(company=company)
    history.memberships = list(session.scalars(
        select(Membership).where(Membership.company_id == company_id).order_by(Membership.id.desc())))
    history.signatories = list(session.scalars(
        select(Signatory).where(Signatory.company_id == company_id).order_by(Signatory.id.desc())))
    membership_ids = [m.id for m in history.memberships]
    history.orders = _orders(session, ServiceOrder.company_id == company_id)
    history.certificates = list(session.scalars(
        select(Certificate).where(Certificate.membership_id.in_(membership_ids))
        .order_by(Certificate.id.desc()).limit(LIMIT))) if membership_ids else []
    # Messages about its requests and its memberships' reminders (their keys name the record).
    reminder_keys = [Notification.dedupe_key.like(f"reminder:{mid}:%") for mid in membership_ids]
    order_keys = [Notification.dedupe_key.like(f"order:{o.reference}:%") for o in history.orders]
    conditions = reminder_keys + order_keys
    if conditions:
        history.notifications = list(session.scalars(
            select(Notification).where(or_(*conditions))
            .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(LIMIT)))
    history.registry_flags = list(session.scalars(
        select(RegistryFlag).where(RegistryFlag.company_id == company_id).order_by(RegistryFlag.detected_at.desc())))
    order_ids = [o.id for o in history.orders]
    extra = _extensions(session, history, order_ids, [company_id])
    payment_ids = [p.id for o in history.orders for p in o.payments]
    history.audit_entries = _audit(session, {
        "company": [company_id], "membership": membership_ids, "signatory": [s.id for s in history.signatories],
        "service_order": order_ids, "payment": payment_ids, "certificate": [c.id for c in history.certificates],
        "registry_flag": [f.id for f in history.registry_flags], **extra,
    })
    return history


def member_history(session: Session, member_id: int) -> History | None:
    member = session.get(Member, member_id)
    if member is None:
        return None
    history = History(member=member)
    history.companies = list(session.scalars(
        select(Company).join(Signatory, Signatory.company_id == Company.id)
        .where(Signatory.civil_id == member.id_number).order_by(Company.id.desc())))
    history.orders = _orders(session, ServiceOrder.user_id == member.user_id)
    history.notifications = list(session.scalars(
        select(Notification).where(Notification.user_id == member.user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(LIMIT)))
    order_ids = [o.id for o in history.orders]
    history.certificates = list(session.scalars(
        select(Certificate).where(Certificate.order_id.in_(order_ids)).order_by(Certificate.id.desc()))) \
        if order_ids else []
    extra = _extensions(session, history, order_ids, [])
    history.audit_entries = _audit(session, {
        "member": [member.id], "ab_user": [member.user_id], "service_order": order_ids,
        "payment": [p.id for o in history.orders for p in o.payments], **extra,
    }, user_id=member.user_id)
    return history
