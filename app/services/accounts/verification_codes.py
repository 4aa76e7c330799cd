"""Verifying a member's email, then mobile, with a one-time code: sending, resending and checking codes.

Codes go out through the notification outbox: queued in the same transaction as the
change, marked sensitive (blanked once delivered) and delivered at once after the commit.
A password reset link is a secret of the same kind (password_reset.py).
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.errors import NothingToVerify
from app.domain.verification import (
    ChallengeState,
    CodePolicy,
    CodeUsed,
    Purpose,
    SendHistory,
    after_send,
    clean_typed_code,
    code_digest,
    digests_match,
    new_code,
    refusal_before_compare,
    resend_refusal,
    wrong_code,
)
from app.infrastructure.clock import now_utc
from app.services.accounts.member_names import greeting_name
from app.services.accounts.members import member_of
from app.services.notifications.outbox import deliver_now, queue_message
from models import Member, VerificationCode

log = logging.getLogger("ghurfa.accounts")


def pending_step(member: Member | None) -> Purpose | None:
    """What a member must still verify: the email first, then the mobile; None when done."""
    if member is None:
        return None
    if member.email_verified_at is None:
        return Purpose.EMAIL
    if member.mobile_verified_at is None:
        return Purpose.MOBILE
    return None


def policy(config) -> CodePolicy:
    return CodePolicy(
        lifetime=dt.timedelta(minutes=int(config.get("VERIFICATION_CODE_MINUTES", 10))),
        max_attempts=int(config.get("VERIFICATION_MAX_ATTEMPTS", 5)),
        resend_interval=dt.timedelta(seconds=int(config.get("VERIFICATION_RESEND_SECONDS", 60))),
        sends_per_window=int(config.get("VERIFICATION_SENDS_PER_HOUR", 5)),
    )


def code_row(session: Session, user_id: int, purpose: Purpose) -> VerificationCode | None:
    return session.scalar(select(VerificationCode).where(VerificationCode.user_id == user_id,
                                                         VerificationCode.purpose == purpose.value))


def send_history(row: VerificationCode | None) -> SendHistory:
    if row is None:
        return SendHistory(None, None, 0)
    return SendHistory(row.last_sent_at, row.window_started_at, row.sent_count)


def new_secret(session: Session, user, purpose: Purpose, sent_to: str, lifetime: dt.timedelta,
                now: dt.datetime, enforce_limits: bool) -> str | None:
    """Replaces the account's code for `purpose` with a new one; returns it, or None when limits say no.

    Raises ResendRefused when `enforce_limits` and a code went out too recently.
    """
    config = current_app.config
    rules = policy(config)
    row = code_row(session, user.id, purpose)
    refusal = resend_refusal(send_history(row), now, rules)
    if refusal is not None and enforce_limits:
        raise refusal
    if row is None:
        row = VerificationCode(user_id=user.id, purpose=purpose.value, sent_count=0, attempts=0)
        session.add(row)
    secret = new_code(purpose)
    bound_to = None if purpose is Purpose.RESET else user.id
    row.code_hash = code_digest(config["SECRET_KEY"], purpose, bound_to, secret)
    row.sent_to = sent_to
    row.expires_at = now + lifetime
    row.attempts = 0
    row.used_at = None
    history = after_send(send_history(row), now, rules)
    row.last_sent_at, row.window_started_at, row.sent_count = (
        history.last_sent_at, history.window_started_at, history.sent_in_window)
    session.flush()
    return secret


def send_code(session: Session, member: Member, purpose: Purpose, now: dt.datetime, *, enforce_limits: bool):
    rules = policy(current_app.config)
    user = member.user
    to = user.email if purpose is Purpose.EMAIL else member.mobile
    code = new_secret(session, user, purpose, to, rules.lifetime, now, enforce_limits)
    minutes = int(rules.lifetime.total_seconds() // 60)
    context = {"name": greeting_name(session, member), "code": code, "minutes": minutes}
    if purpose is Purpose.EMAIL:
        return queue_message(session, template="email_verification", language=member.language, context=context,
                             email=to, user_id=user.id, sensitive=True)
    return queue_message(session, template="mobile_verification", language=member.language, context=context,
                         mobile=to, user_id=user.id, sensitive=True)


def resend_code(session: Session, user_id: int) -> Purpose:
    """Sends a new code for the member's pending step; raises ResendRefused or NothingToVerify."""
    member = member_of(session, user_id)
    step = pending_step(member)
    if step is None:
        raise NothingToVerify()
    notes = send_code(session, member, step, now_utc(current_app.config), enforce_limits=True)
    session.commit()
    deliver_now(session, notes)
    return step


def check_typed_code(session: Session, row: VerificationCode, purpose: Purpose, user_id: int, typed: str | None,
                     rules: CodePolicy, now: dt.datetime) -> None:
    """Compares a typed code with the row's, counting the try (committed); raises CodeRefused when wrong."""
    # Take one try first, atomically, so parallel guesses cannot exceed the allowed number.
    taken = session.execute(
        update(VerificationCode)
        .where(VerificationCode.id == row.id, VerificationCode.attempts < rules.max_attempts,
               VerificationCode.used_at.is_(None))
        .values(attempts=VerificationCode.attempts + 1)
    ).rowcount
    session.refresh(row)
    if taken != 1:
        session.commit()
        raise refusal_before_compare(ChallengeState(row.expires_at, row.attempts, row.used_at), now, rules) or CodeUsed()
    candidate = code_digest(current_app.config["SECRET_KEY"], purpose, user_id, clean_typed_code(purpose, typed))
    if not digests_match(row.code_hash, candidate):
        session.commit()
        raise wrong_code(row.attempts, rules)


def verify_code(session: Session, user_id: int, purpose: Purpose, typed: str | None) -> Member:
    """Checks a typed code for the member's pending step; raises CodeRefused (the wrong try is counted)."""
    config = current_app.config
    rules = policy(config)
    now = now_utc(config)
    member = member_of(session, user_id)
    if pending_step(member) is not purpose:
        raise NothingToVerify()
    row = code_row(session, user_id, purpose)
    sent_to = member.user.email if purpose is Purpose.EMAIL else member.mobile
    state = None if row is None or row.sent_to != sent_to else ChallengeState(row.expires_at, row.attempts, row.used_at)
    refusal = refusal_before_compare(state, now, rules)
    if refusal is not None:
        raise refusal
    check_typed_code(session, row, purpose, user_id, typed, rules, now)
    used = session.execute(update(VerificationCode)
                           .where(VerificationCode.id == row.id, VerificationCode.used_at.is_(None))
                           .values(used_at=now)).rowcount
    if used != 1:
        session.rollback()
        raise CodeUsed()
    notes = []
    if purpose is Purpose.EMAIL:
        member.email_verified_at = now
        notes = send_code(session, member, Purpose.MOBILE, now, enforce_limits=False)
    else:
        member.mobile_verified_at = now
    session.commit()
    deliver_now(session, notes)
    return member
