"""A member's own profile: a new password, a new email or mobile (each proved by a code sent to it), the language.

A change of email or mobile waits in the account's verification code row for that channel:
the row's `sent_to` holds the new address until the code sent there is entered, and only
then does the account change. The old address keeps working until that moment.
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from app.domain.errors import ContactUnchanged, CurrentPasswordWrong, EmailTaken, NoContactChangePending
from app.domain.identifiers import normalise_mobile_number
from app.domain.verification import ChallengeState, Purpose, refusal_before_compare
from app.services.accounts import login_sessions
from app.services.accounts.password_reset import announce_password_changed
from app.services.accounts.verification_codes import check_typed_code, code_row, new_secret, policy
from app.infrastructure.clock import now_utc
from app.services.accounts.member_names import greeting_name
from app.services.notifications.outbox import deliver_now, queue_message
from app.services.accounts.passwords import check_password_policy, hash_password
from models import Member

log = logging.getLogger("ghurfa.profile")

LANGUAGES = ("ar", "en")


def change_password(session: Session, member: Member, current: str, new: str) -> None:
    """Checks the current password and the policy, saves the new one, ends every session, sends the email."""
    user = member.user
    if not user.password or not check_password_hash(user.password, current or ""):
        raise CurrentPasswordWrong()
    check_password_policy(new, user.email)
    user.password = hash_password(new)
    user.fail_login_count = 0
    login_sessions.end_all(session, user.id)
    notes = announce_password_changed(session, user, member)
    session.commit()
    deliver_now(session, notes)
    log.info("user %s changed their password", user.id)


def pending_contact(session: Session, member: Member, purpose: Purpose) -> str | None:
    """The new email or mobile waiting for its code, or None."""
    row = code_row(session, member.user_id, purpose)
    current = member.user.email if purpose is Purpose.EMAIL else member.mobile
    if row is None or row.used_at is not None or row.sent_to == current:
        return None
    if row.expires_at <= now_utc(current_app.config):
        return None
    return row.sent_to


def _email_taken(session: Session, email: str, user_id: int) -> bool:
    user_model = current_app.appbuilder.sm.user_model
    return session.scalar(select(user_model.id).where(
        user_model.id != user_id,
        (func.lower(user_model.username) == email) | (func.lower(user_model.email) == email))) is not None


def request_email_change(session: Session, member: Member, typed: str) -> str:
    """Sends a code to the new address (nothing changes until it is entered); returns the address."""
    email = (typed or "").strip().lower()
    if email == (member.user.email or "").lower():
        raise ContactUnchanged()
    if _email_taken(session, email, member.user_id):
        raise EmailTaken()
    return _send_change_code(session, member, Purpose.EMAIL, email)


def request_mobile_change(session: Session, member: Member, typed: str) -> str:
    mobile = normalise_mobile_number(typed, allow_international=member.country != "OM")
    if mobile == member.mobile:
        raise ContactUnchanged()
    return _send_change_code(session, member, Purpose.MOBILE, mobile)


def _send_change_code(session: Session, member: Member, purpose: Purpose, to: str) -> str:
    config = current_app.config
    rules = policy(config)
    now = now_utc(config)
    code = new_secret(session, member.user, purpose, to, rules.lifetime, now, enforce_limits=True)
    context = {"name": greeting_name(session, member), "code": code,
               "minutes": int(rules.lifetime.total_seconds() // 60)}
    if purpose is Purpose.EMAIL:
        notes = queue_message(session, template="email_verification", language=member.language, context=context,
                              email=to, user_id=member.user_id, sensitive=True)
    else:
        notes = queue_message(session, template="mobile_verification", language=member.language, context=context,
                              mobile=to, user_id=member.user_id, sensitive=True)
    session.commit()
    deliver_now(session, notes)
    return to


def confirm_contact_change(session: Session, member: Member, purpose: Purpose, typed: str | None) -> str:
    """Checks the code sent to the new address and, when right, makes it the account's; returns it."""
    config = current_app.config
    rules = policy(config)
    now = now_utc(config)
    target = pending_contact(session, member, purpose)
    row = code_row(session, member.user_id, purpose)
    if target is None or row is None:
        raise NoContactChangePending()
    refusal = refusal_before_compare(ChallengeState(row.expires_at, row.attempts, row.used_at), now, rules)
    if refusal is not None:
        raise refusal
    check_typed_code(session, row, purpose, member.user_id, typed, rules, now)
    row.used_at = now
    if purpose is Purpose.EMAIL:
        if _email_taken(session, target, member.user_id):
            session.rollback()
            raise EmailTaken()
        member.user.email = target
        member.user.username = target
        member.email_verified_at = now
    else:
        member.mobile = target
        member.mobile_verified_at = now
    session.commit()
    log.info("user %s changed their %s", member.user_id, purpose.value)
    return target


def set_language(session: Session, member: Member, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(language)
    member.language = language
    session.commit()
