"""Registering a member account: checked, saved with its member row, and the first code emailed.

A member is a Flask-AppBuilder user (username = email in lower case, role Member) with
a `member` row. Verifying the email and the mobile is verification_codes.py; forgetting
the password is password_reset.py.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import EmailTaken, IdNumberTaken
from app.domain.identifiers import normalise_cr_number, normalise_id_number, normalise_mobile_number
from app.domain.verification import Purpose
from app.infrastructure.clock import now_utc
from app.services.accounts import verification_codes
from app.services.accounts.passwords import check_password_policy
from app.services.notifications.outbox import deliver_now
from models import Member, VerificationCode

log = logging.getLogger("ghurfa.accounts")

MEMBER_ROLE = "Member"


@dataclass(frozen=True)
class Registration:
    """What the registration form collected (already checked field by field)."""

    first_name: str
    middle_name: str | None
    family_name: str | None
    email: str
    mobile: str
    cr_number: str | None
    country: str
    id_type: str
    id_number: str
    password: str


def register_member(session: Session, form: Registration, *, language: str) -> Member:
    """Creates the account, emails the first code; raises AccountRefused (or an identifier error) and saves nothing."""
    config = current_app.config
    now = now_utc(config)
    email = form.email.strip().lower()
    id_number = normalise_id_number(form.id_type, form.id_number)
    mobile = normalise_mobile_number(form.mobile, allow_international=form.country != "OM")
    cr_number = normalise_cr_number(form.cr_number) if form.cr_number else None
    check_password_policy(form.password, email)

    _release_abandoned(session, email, form.id_type, id_number, now)
    if _email_in_use(session, email):
        raise EmailTaken()
    if session.scalar(select(Member.id).where(Member.id_type == form.id_type, Member.id_number == id_number)):
        raise IdNumberTaken()

    sm = current_app.appbuilder.sm
    user = sm.add_user(email, form.first_name, form.family_name or "-", email, sm.find_role(MEMBER_ROLE),
                       password=form.password, commit=False)
    if not user:
        # FAB rolled back after a unique-constraint race: someone registered this email a moment ago.
        raise EmailTaken()
    member = Member(user_id=user.id, first_name=form.first_name, middle_name=form.middle_name or None,
                    family_name=form.family_name or None, mobile=mobile, country=form.country,
                    id_type=form.id_type, id_number=id_number, cr_number=cr_number, language=language)
    session.add(member)
    try:
        session.flush()
    except IntegrityError:
        # Another registration took this ID number between our check and this insert.
        session.rollback()
        raise IdNumberTaken() from None
    notes = verification_codes.send_code(session, member, Purpose.EMAIL, now, enforce_limits=False)
    session.commit()
    deliver_now(session, notes)
    log.info("member account %s registered; email code sent", user.id)
    return member


def _email_in_use(session: Session, email: str) -> bool:
    user_model = current_app.appbuilder.sm.user_model
    return session.scalar(select(user_model.id).where(
        (func.lower(user_model.username) == email) | (func.lower(user_model.email) == email))) is not None


def _release_abandoned(session: Session, email: str, id_type: str, id_number: str, now: dt.datetime) -> None:
    """Deletes registrations never verified by email that hold this email or ID number past the cut-off.

    Without this, anyone could block a person's email or civil ID for good by registering
    it first and never verifying.
    """
    hours = int(current_app.config.get("ABANDONED_REGISTRATION_HOURS", 24))
    user_model = current_app.appbuilder.sm.user_model
    stale = session.scalars(
        select(Member).join(user_model, user_model.id == Member.user_id).where(
            Member.email_verified_at.is_(None),
            Member.created_at < now - dt.timedelta(hours=hours),
            (func.lower(user_model.username) == email) | (func.lower(user_model.email) == email)
            | ((Member.id_type == id_type) & (Member.id_number == id_number)),
        )
    ).all()
    for member in stale:
        user = member.user
        log.info("releasing abandoned registration of user %s", user.id)
        session.execute(delete(VerificationCode).where(VerificationCode.user_id == user.id))
        session.delete(member)
        session.flush()
        session.delete(user)
    if stale:
        session.flush()
