"""Applying a paid request exactly once: the membership change, the new certificate, the email and SMS.

`fulfil` starts with the conditional change paid -> fulfilled, so of several callers (the
customer's receipt, the gateway's notification, staff, the reconciliation job) only one
applies the effect; the others see the order already fulfilled and do nothing. Everything
happens in the caller's transaction, so the effect, the certificate and the queued
messages commit together or not at all.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.dates import add_months
from app.domain.labels import SERVICES
from app.domain.membership import certificate_dates_valid
from app.domain.messages import Message, N_
from app.services.certificates.issue import issue_certificate
from app.infrastructure.counters import allocate_occi_number
from app.services.accounts.member_names import greeting_name
from app.services.notifications.links import page_link
from app.services.notifications.outbox import queue_message
from app.services.membership.refusals import BilingualText
from app.infrastructure.transitions import change_status
from models import Certificate, Grade, Member, Membership, ServiceOrder

log = logging.getLogger("ghurfa.fulfilment")


OUTCOMES = {
    "new_membership": N_("%(company)s is now a member of the chamber: OCCI No %(occi_number)s, "
                         "grade %(grade)s, valid until %(expires_on)s."),
    "renewal": N_("The membership of %(company)s (OCCI No %(occi_number)s) has been renewed "
                  "until %(expires_on)s."),
    "replacement": N_("A replacement membership certificate has been issued for %(company)s "
                      "(OCCI No %(occi_number)s). The previous certificate is no longer valid."),
    "name_change": N_("The chamber now holds the name of OCCI No %(occi_number)s as "
                      "“%(name_en)s” / “%(name_ar)s”."),
    "grade_change": N_("The membership of %(company)s (OCCI No %(occi_number)s) is now in grade "
                       "%(grade)s, valid until %(expires_on)s."),
}
NEXT_WITH_CERTIFICATE = N_("Download your new membership certificate below. We have also sent "
                           "this receipt to you by email and SMS.")
NEXT_WITHOUT_CERTIFICATE = N_("The membership has passed its expiry date, so no new certificate "
                              "could be issued: it will be issued when you renew the membership.")


@dataclass(frozen=True)
class Translated:
    """A Message translated when printed (inside a template rendered in the reader's language)."""

    message: Message

    def __str__(self) -> str:
        return self.message.translate(gettext)


def outcome_message(order: ServiceOrder) -> Message | None:
    """What the fulfilled request did, from the result recorded at fulfilment."""
    result = (order.details or {}).get("result")
    if not result:
        return None
    params = {
        "company": BilingualText(result["name_en"], result["name_ar"]),
        "occi_number": result["occi_number"],
        "grade": BilingualText(result["grade_en"], result["grade_ar"]),
        "expires_on": result["expires_on"],
        "name_en": result["name_en"],
        "name_ar": result["name_ar"],
    }
    return Message(OUTCOMES[order.service], params)


def next_steps_message(order: ServiceOrder) -> Message:
    result = (order.details or {}).get("result") or {}
    return Message(NEXT_WITH_CERTIFICATE if result.get("certificate") else NEXT_WITHOUT_CERTIFICATE)


def fulfil(session: Session, order: ServiceOrder, *, today: dt.date, now: dt.datetime) -> bool:
    """Applies a paid order (no commit); False when another caller already did."""
    if not change_status(session, order, ("paid",), "fulfilled", fulfilled_at=now):
        return False
    membership = _EFFECTS[order.service](session, order, today)
    certificate = None
    # A certificate must expire after its issue day; a name change in grace gets none.
    if certificate_dates_valid(today, membership.expires_on):
        certificate = issue_certificate(session, membership, order=order, today=today)
    company = membership.company
    order.details = {**order.details, "result": {
        "occi_number": membership.occi_number,
        "expires_on": membership.expires_on.isoformat(),
        "grade": membership.grade.code, "grade_en": membership.grade.name_en,
        "grade_ar": membership.grade.name_ar,
        "name_en": company.name_en, "name_ar": company.name_ar,
        "certificate": certificate.serial if certificate else None,
    }}
    session.flush()
    _queue_messages(session, order, certificate)
    log.info("order %s fulfilled (%s, OCCI %s)", order.reference, order.service, membership.occi_number)
    return True


def _grade(session: Session, code: str) -> Grade:
    return session.scalar(select(Grade).where(Grade.code == code))


def _new_membership(session: Session, order: ServiceOrder, today: dt.date) -> Membership:
    details = order.details
    membership = Membership(
        occi_number=allocate_occi_number(session), company_id=order.company_id,
        grade=_grade(session, details["grade"]), joined_on=today,
        expires_on=dt.date.fromisoformat(details["new_expiry"]),
    )
    session.add(membership)
    session.flush()
    order.membership_id = membership.id
    return membership


def _renewal(session: Session, order: ServiceOrder, today: dt.date) -> Membership:
    membership = order.membership
    # Counted from the quoted start, or from the stored expiry if that has moved on since
    # (a grade change settled in between), so no paid time is lost.
    counted_from = dt.date.fromisoformat(order.details["counted_from"])
    membership.expires_on = add_months(max(membership.expires_on, counted_from), order.period_months)
    return membership


def _replacement(session: Session, order: ServiceOrder, today: dt.date) -> Membership:
    return order.membership


def _name_change(session: Session, order: ServiceOrder, today: dt.date) -> Membership:
    company = order.membership.company
    company.name_en = order.details["new_name_en"]
    company.name_ar = order.details["new_name_ar"]
    return order.membership


def _grade_change(session: Session, order: ServiceOrder, today: dt.date) -> Membership:
    membership = order.membership
    membership.grade = _grade(session, order.details["new_grade"])
    membership.expires_on = dt.date.fromisoformat(order.details["new_expiry"])
    return membership


_EFFECTS = {
    "new_membership": _new_membership,
    "renewal": _renewal,
    "replacement": _replacement,
    "name_change": _name_change,
    "grade_change": _grade_change,
}


def _queue_messages(session: Session, order: ServiceOrder, certificate: Certificate | None) -> None:
    member = session.scalar(select(Member).where(Member.user_id == order.user_id))
    user = order.user
    result = order.details["result"]
    # Served at the counter: the contact staff typed (prefilled from the member's account).
    contact = order.details.get("contact")
    if contact:
        name, language, email, mobile = contact["name"], contact["language"], contact["email"], contact["mobile"]
    else:
        name = greeting_name(session, member) if member else f"{user.first_name} {user.last_name}"
        language, email = (member.language if member else "en"), user.email
        mobile = member.mobile if member else None
    context = {
        "name": name,
        "service": Translated(Message(SERVICES[order.service])),
        "outcome": Translated(outcome_message(order)),
        "next_steps": Translated(next_steps_message(order)),
        "reference": order.reference,
        "occi_number": result["occi_number"],
        "expires_on": result["expires_on"],
        "receipt_url": page_link(current_app.config, "receipt", reference=order.reference),
        "certificate_url": page_link(current_app.config, "certificate", serial=certificate.serial)
        if certificate else None,
    }
    queue_message(
        session, template="service_fulfilled", language=language,
        context=context, email=email, mobile=mobile,
        user_id=order.user_id, dedupe_key=f"order:{order.reference}:fulfilled",
        certificate_id=certificate.id if certificate is not None else None,
    )
