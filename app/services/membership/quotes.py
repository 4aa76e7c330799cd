"""Quoting the self-service requests: who may ask for what, and the price from the schedule in force.

Each `plan_*` function checks the request against the chamber's rules and returns a
`RequestPlan`: the domain quote, the records it was priced from, and the `details`
fulfilment applies once the request is paid. Nothing is written here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import quotes as domain_quotes
from app.domain import vouchers as domain_vouchers
from app.domain.errors import MembershipNeedsRenewal, NoScheduleInForce, SameGrade
from app.domain.membership import MembershipStatus, is_current, membership_status
from app.domain.quotes import Quote
from app.services.membership.fee_schedules import domain_schedule, domain_voucher, schedule_in_force
from app.services.membership.refusals import (
    AlreadyMember,
    BilingualText,
    CRNotActive,
    NoNewName,
    NoRegistryGrade,
    VoucherNotFound,
)
from models import Company, FeeSchedule, Membership, Voucher

NEW_MEMBERSHIP = "new_membership"
RENEWAL = "renewal"
REPLACEMENT = "replacement"
NAME_CHANGE = "name_change"
GRADE_CHANGE = "grade_change"


@dataclass(frozen=True)
class RequestPlan:
    """A priced request, ready to become an order."""

    service: str
    company: Company
    membership: Membership | None
    quote: Quote
    schedule: FeeSchedule
    quoted_on: dt.date
    voucher: Voucher | None = None
    period_months: int | None = None
    details: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """What the member saw: total and dates. A confirm that no longer matches is refused."""
        return f"{self.quote.total}:{self.details.get('new_expiry', '')}:{self.quoted_on.isoformat()}"


def _schedule(session: Session, today: dt.date) -> FeeSchedule:
    schedule = schedule_in_force(session, today)
    if schedule is None:
        raise NoScheduleInForce(on=today.isoformat())
    return schedule


def find_voucher(session: Session, code_text: str | None) -> Voucher | None:
    """The voucher a member typed (None for an empty field); InvalidVoucherCode/VoucherNotFound."""
    if not (code_text or "").strip():
        return None
    code = domain_vouchers.normalise_voucher_code(code_text)
    voucher = session.scalar(select(Voucher).where(Voucher.code == code))
    if voucher is None:
        raise VoucherNotFound(code=code)
    return voucher


def current_membership(company: Company, today: dt.date, grace_days: int) -> Membership | None:
    for membership in company.memberships:
        if is_current(membership.expires_on, today, grace_days):
            return membership
    return None


def plan_new_membership(session: Session, company: Company, *, today: dt.date, grace_days: int,
                        voucher_code: str | None = None) -> RequestPlan:
    if company.cr_status != "active":
        raise CRNotActive(cr_number=company.cr_number)
    existing = current_membership(company, today, grace_days)
    if existing is not None:
        raise AlreadyMember(company=BilingualText(company.name_en, company.name_ar),
                            occi_number=existing.occi_number)
    if company.registry_grade is None:
        raise NoRegistryGrade(cr_number=company.cr_number)
    schedule = _schedule(session, today)
    voucher = find_voucher(session, voucher_code)
    grade_code = company.registry_grade.code
    quote = domain_quotes.new_membership_quote(
        domain_schedule(schedule), grade_code, today, domain_voucher(voucher) if voucher else None)
    return RequestPlan(
        NEW_MEMBERSHIP, company, None, quote, schedule, today, voucher=voucher, period_months=12,
        details={"grade": grade_code, "joined_on": today.isoformat(),
                 "new_expiry": quote.new_expiry.isoformat()},
    )


def plan_renewal(session: Session, membership: Membership, months: int, *, today: dt.date,
                 grace_days: int, voucher_code: str | None = None) -> RequestPlan:
    schedule = _schedule(session, today)
    voucher = find_voucher(session, voucher_code)
    quote = domain_quotes.renewal_quote(
        domain_schedule(schedule), membership.grade.code, membership.expires_on, months, today,
        domain_voucher(voucher) if voucher else None, grace_days=grace_days)
    return RequestPlan(
        RENEWAL, membership.company, membership, quote, schedule, today, voucher=voucher,
        period_months=months,
        details={"grade": membership.grade.code, "months": months,
                 "current_expiry": membership.expires_on.isoformat(),
                 "counted_from": quote.counted_from.isoformat(),
                 "new_expiry": quote.new_expiry.isoformat()},
    )


def plan_replacement(session: Session, membership: Membership, *, today: dt.date) -> RequestPlan:
    # A replacement prints the current expiry; a certificate must expire after it is issued.
    if membership.expires_on <= today:
        raise MembershipNeedsRenewal()
    schedule = _schedule(session, today)
    quote = domain_quotes.replacement_quote(domain_schedule(schedule))
    return RequestPlan(REPLACEMENT, membership.company, membership, quote, schedule, today,
                       details={"expires_on": membership.expires_on.isoformat()})


def registry_has_new_name(company: Company) -> bool:
    new = (company.registry_name_en or "", company.registry_name_ar or "")
    return any(new) and new != (company.name_en or "", company.name_ar or "")


def plan_name_change(session: Session, membership: Membership, *, today: dt.date,
                     grace_days: int) -> RequestPlan:
    company = membership.company
    status = membership_status(membership.expires_on, today, grace_days)
    schedule = _schedule(session, today)
    # The domain refuses an expired membership first ("please renew first").
    quote = domain_quotes.name_change_quote(domain_schedule(schedule), status)
    if not registry_has_new_name(company):
        raise NoNewName()
    return RequestPlan(
        NAME_CHANGE, company, membership, quote, schedule, today,
        details={"old_name_en": company.name_en, "old_name_ar": company.name_ar,
                 "new_name_en": company.registry_name_en or company.name_en,
                 "new_name_ar": company.registry_name_ar or company.name_ar},
    )


def plan_grade_change(session: Session, membership: Membership, *, today: dt.date) -> RequestPlan:
    company = membership.company
    if company.registry_grade is None:
        raise NoRegistryGrade(cr_number=company.cr_number)
    new_grade = company.registry_grade
    if new_grade.id == membership.grade_id:
        raise SameGrade(grade=BilingualText(new_grade.name_en, new_grade.name_ar))
    schedule = _schedule(session, today)
    quote = domain_quotes.grade_change_quote(
        domain_schedule(schedule), membership.grade.code, company.registry_grade.code,
        membership.expires_on, today)
    return RequestPlan(
        GRADE_CHANGE, company, membership, quote, schedule, today,
        details={"current_grade": membership.grade.code, "new_grade": company.registry_grade.code,
                 "current_expiry": membership.expires_on.isoformat(),
                 "new_expiry": quote.new_expiry.isoformat()},
    )


def membership_status_on(membership: Membership, today: dt.date, grace_days: int) -> MembershipStatus:
    return membership_status(membership.expires_on, today, grace_days)
