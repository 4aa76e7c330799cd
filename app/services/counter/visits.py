"""Starting a service at the counter: the member's civil ID card checked against the registry's signatories,
the same quote as online, and the order placed for the company.

No PKI step at the counter: staff look at the civil ID card, type its number, and tick
that they checked it. The number must be an active signatory of the company as the
registry lists it; the visit records who served, when, and what was typed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.digits import to_ascii_digits
from app.domain.messages import N_
from app.domain.paying_ahead import DEFAULT_MAX_PAID_AHEAD_MONTHS
from app.services.membership import quotes
from app.services.membership.refusals import ServiceRefusal
from app.services.payments.orders import place_order
from models import Company, CounterVisit, Member, Membership, ServiceOrder, Signatory

SERVICES = (quotes.NEW_MEMBERSHIP, quotes.RENEWAL, quotes.REPLACEMENT, quotes.NAME_CHANGE, quotes.GRADE_CHANGE)
MONTHS = (12, 18, 24)


class IdCardNotChecked(ServiceRefusal):
    message_id = N_("Confirm that you checked the member's civil ID card.")


class NotASignatory(ServiceRefusal):
    message_id = N_("Civil ID %(civil_id)s is not an active signatory of CR %(cr_number)s at the commercial "
                    "registry, so this person cannot be served for the company.")


class MembershipRequired(ServiceRefusal):
    message_id = N_("Choose the membership this service is for.")


class CompanyArchived(ServiceRefusal):
    message_id = N_("Company %(cr_number)s is archived; restore it before serving it.")


@dataclass(frozen=True)
class Contact:
    email: str | None
    mobile: str | None
    language: str
    name: str


@dataclass(frozen=True)
class CounterRequest:
    """What staff entered to start a service."""

    service: str
    civil_id: str
    id_card_checked: bool
    membership_id: int | None = None
    months: int | None = None
    voucher_code: str | None = None
    email: str | None = None
    mobile: str | None = None
    language: str = "ar"


def matching_signatory(company: Company, civil_id: str) -> Signatory | None:
    return next((s for s in company.signatories
                 if s.civil_id == civil_id and s.may_act), None)


def check_civil_id(company: Company, request: CounterRequest) -> tuple[str, Signatory]:
    """The typed civil ID (ASCII digits) and the signatory it matched; a refusal otherwise."""
    if company.archived_at is not None:
        raise CompanyArchived(cr_number=company.cr_number)
    if not request.id_card_checked:
        raise IdCardNotChecked()
    civil_id = to_ascii_digits((request.civil_id or "").strip())
    signatory = matching_signatory(company, civil_id)
    if signatory is None:
        raise NotASignatory(civil_id=civil_id, cr_number=company.cr_number)
    return civil_id, signatory


def plan(session: Session, company: Company, request: CounterRequest, *, today: dt.date,
         grace_days: int, max_paid_ahead_months: int = DEFAULT_MAX_PAID_AHEAD_MONTHS) -> quotes.RequestPlan:
    """The same quote the portal gives, by the same rules (app/services/membership/quotes.py)."""
    if request.service == quotes.NEW_MEMBERSHIP:
        return quotes.plan_new_membership(session, company, today=today, grace_days=grace_days,
                                          voucher_code=request.voucher_code)
    membership = next((m for m in company.memberships if m.id == request.membership_id), None)
    if membership is None:
        raise MembershipRequired()
    if request.service == quotes.RENEWAL:
        return quotes.plan_renewal(session, membership, request.months if request.months in MONTHS else 12,
                                   today=today, grace_days=grace_days, voucher_code=request.voucher_code,
                                   max_paid_ahead_months=max_paid_ahead_months)
    if request.service == quotes.REPLACEMENT:
        return quotes.plan_replacement(session, membership, today=today)
    if request.service == quotes.NAME_CHANGE:
        return quotes.plan_name_change(session, membership, today=today, grace_days=grace_days)
    return quotes.plan_grade_change(session, membership, today=today)


def member_account(session: Session, civil_id: str) -> Member | None:
    return session.scalar(select(Member).where(Member.id_type == "civil_id", Member.id_number == civil_id))


def start_at_counter(session: Session, company: Company, request: CounterRequest, *, staff_id: int,
                     staff_name: str, today: dt.date, now: dt.datetime, grace_days: int, ttl_minutes: int,
                     seen_fingerprint: str | None, gateway=None,
                     max_paid_ahead_months: int = DEFAULT_MAX_PAID_AHEAD_MONTHS) -> tuple[CounterVisit, ServiceOrder]:
    """Checks the civil ID, places the order (commits) and records the visit with it.

    The order is the member's if they have a portal account, so it shows on their dashboard;
    otherwise it is placed in the name of the staff member serving them. Messages go to the
    contact typed at the counter (prefilled from the account).
    """
    civil_id, signatory = check_civil_id(company, request)
    priced = plan(session, company, request, today=today, grace_days=grace_days,
                  max_paid_ahead_months=max_paid_ahead_months)
    member = member_account(session, civil_id)
    contact = Contact(
        email=(request.email or (member.user.email if member else None) or None),
        mobile=(request.mobile or (member.mobile if member else None) or None),
        language=request.language if request.language in ("en", "ar") else "ar",
        name=(signatory.name_ar if request.language == "ar" else signatory.name_en) or signatory.name_en
        or signatory.name_ar or civil_id,
    )
    priced.details["contact"] = {"email": contact.email, "mobile": contact.mobile, "language": contact.language,
                                 "name": contact.name}
    priced.details["channel"] = "counter"
    order = place_order(session, priced, user_id=member.user_id if member else staff_id, now=now,
                        ttl_minutes=ttl_minutes, gateway=gateway, seen_fingerprint=seen_fingerprint)
    visit = CounterVisit(company_id=company.id, order_id=order.id, service=request.service, civil_id=civil_id,
                         signatory_id=signatory.id, id_card_checked=True, served_by_id=staff_id,
                         served_by=staff_name, checked_at=now, contact_email=contact.email,
                         contact_mobile=contact.mobile, language=contact.language)
    session.add(visit)
    session.commit()
    return visit, order


def counter_memberships(company: Company) -> list[Membership]:
    return sorted(company.memberships, key=lambda m: m.id, reverse=True)
