"""What a member may act on and see: the companies the registry lists under their civil ID, those
companies' memberships, the member's requests and the certificates they may download.

A member acts for a company while their civil ID is a signatory of it that may act (listed by
the registry, not archived). The registry is asked again for the member's companies when a
service starts, at most every REGISTRY_REFRESH_MINUTES (`refresh_member_companies`), and for
the company they choose each time (`refresh_company`): answers are fetched first and written
in one transaction, so a registry that fails half way leaves nothing half-updated.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.registry import CommercialRegistry
from app.domain.membership import membership_status
from app.services.registry.companies import ReferenceCodes, companies_for_signatory, upsert_company
from app.services.membership.refusals import CompanyNotAtRegistry
from models import Certificate, Company, Member, Membership, ServiceOrder, Signatory
from models.order import OPEN_STATUSES

# The registry keys signatories by civil ID; resident cards carry a civil ID number too.
_SIGNATORY_ID_TYPES = ("civil_id", "resident_card")


def signatory_id(member: Member) -> str | None:
    return member.id_number if member.id_type in _SIGNATORY_ID_TYPES else None


def member_companies(session: Session, member: Member) -> list[Company]:
    civil_id = signatory_id(member)
    return companies_for_signatory(session, civil_id) if civil_id else []


def refresh_member_companies(session: Session, registry: CommercialRegistry, member: Member) -> list[Company]:
    """Updates the member's companies from the registry (commits); RegistryError changes nothing."""
    civil_id = signatory_id(member)
    if not civil_id:
        return []
    records = registry.companies_for_civil_id(civil_id)
    listed = {record.cr_number for record in records}
    # Companies we still think they sign for but the registry no longer lists under them.
    dropped = [c.cr_number for c in companies_for_signatory(session, civil_id) if c.cr_number not in listed]
    rereads = {cr: registry.company(cr) for cr in dropped}
    try:
        codes = ReferenceCodes(session)
        for record in [*records, *filter(None, rereads.values())]:
            upsert_company(session, record, codes)
        for cr_number, record in rereads.items():
            if record is None:
                _withdraw_signatory(session, cr_number, civil_id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return companies_for_signatory(session, civil_id)


def _withdraw_signatory(session: Session, cr_number: str, civil_id: str) -> None:
    signatory = session.scalar(select(Signatory).join(Company).where(
        Company.cr_number == cr_number, Signatory.civil_id == civil_id))
    if signatory is not None:
        signatory.active = False


def refresh_company(session: Session, registry: CommercialRegistry, member: Member, cr_number: str) -> Company | None:
    """Updates one company from the registry (commits) and returns it if the member may act for it.

    None when the member is not (or no longer) a signatory; CompanyNotAtRegistry when the
    registry has no such CR; RegistryError changes nothing.
    """
    civil_id = signatory_id(member)
    if not civil_id or not cr_number.isdigit():
        return None
    known = member_company(session, member, cr_number)
    if known is None:
        # Only companies the member already signs for are looked up: a CR typed into a
        # form is not a way to query the registry about strangers.
        return None
    record = registry.company(cr_number)
    if record is None:
        raise CompanyNotAtRegistry(cr_number=cr_number)
    try:
        upsert_company(session, record)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return member_company(session, member, cr_number)


def member_company(session: Session, member: Member, cr_number: str) -> Company | None:
    civil_id = signatory_id(member)
    if not civil_id:
        return None
    return session.scalar(
        select(Company).join(Signatory).where(
            Company.cr_number == cr_number, Signatory.civil_id == civil_id, Signatory.may_act)
    )


def member_membership(session: Session, member: Member, cr_number: str, occi_number: str) -> Membership | None:
    company = member_company(session, member, cr_number)
    if company is None:
        return None
    return next((m for m in company.memberships if m.occi_number == occi_number), None)


def member_certificate(session: Session, member: Member, serial: str) -> Certificate | None:
    """A certificate of a company the member signs for; None for anyone else's."""
    certificate = session.scalar(select(Certificate).where(Certificate.serial == serial))
    # A revoked certificate is never handed out again, not even to its company.
    if certificate is None or certificate.revoked_at is not None:
        return None
    if member_company(session, member, certificate.membership.company.cr_number) is None:
        return None
    return certificate


@dataclass(frozen=True)
class MembershipRow:
    membership: Membership
    status: str


def dashboard_context(session: Session, member: Member, *, user_id: int, today: dt.date,
                      grace_days: int) -> dict:
    """The member's companies, memberships with status and expiry, requests and certificates."""
    companies = member_companies(session, member)
    memberships = [MembershipRow(m, str(membership_status(m.expires_on, today, grace_days)))
                   for c in companies for m in c.memberships]
    orders = list(session.scalars(
        select(ServiceOrder).where(ServiceOrder.user_id == user_id).order_by(ServiceOrder.id.desc())
    ))
    membership_ids = [row.membership.id for row in memberships]
    certificates = list(session.scalars(
        select(Certificate).where(Certificate.membership_id.in_(membership_ids))
        .order_by(Certificate.id.desc())
    )) if membership_ids else []
    return {
        "companies": companies,
        "memberships": memberships,
        "open_orders": [o for o in orders if o.status in OPEN_STATUSES],
        "past_orders": [o for o in orders if o.status not in OPEN_STATUSES],
        "certificates": certificates,
    }
