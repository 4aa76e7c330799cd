"""Member accounts: registration, email then mobile verification, resending codes, and password reset.

A member is a Flask-AppBuilder user (username = email in lower case, role Member) with
a `member` row. Codes and reset links go out through the notification outbox: queued
in the same transaction as the change, marked sensitive (blanked once delivered) and
delivered at once after the commit.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import AccountRefused, EmailTaken, IdNumberTaken, NothingToVerify  # noqa: F401
from app.domain.identifiers import normalise_cr_number, normalise_id_number, normalise_mobile_number
from app.domain.verification import (
    ChallengeState,
    CodePolicy,
    CodeUsed,
    Purpose,
    ResetLinkInvalid,
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
from app.services.accounts import login_sessions
from app.infrastructure.clock import now_utc
from app.services.notifications.outbox import deliver_now, queue_message
from app.services.accounts.passwords import check_password_policy, hash_password
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


def policy(config) -> CodePolicy:
    return CodePolicy(
        lifetime=dt.timedelta(minutes=int(config.get("VERIFICATION_CODE_MINUTES", 10))),
        max_attempts=int(config.get("VERIFICATION_MAX_ATTEMPTS", 5)),
        resend_interval=dt.timedelta(seconds=int(config.get("VERIFICATION_RESEND_SECONDS", 60))),
        sends_per_window=int(config.get("VERIFICATION_SENDS_PER_HOUR", 5)),
    )


def member_of(session: Session, user_id: int) -> Member | None:
    return session.scalar(select(Member).where(Member.user_id == user_id))


def pending_step(member: Member | None) -> Purpose | None:
    """What a member must still verify: the email first, then the mobile; None when done."""
    if member is None:
        return None
    if member.email_verified_at is None:
        return Purpose.EMAIL
    if member.mobile_verified_at is None:
        return Purpose.MOBILE
    return None


# --- registration ---------------------------------------------------------------------

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
    notes = _send_code(session, member, Purpose.EMAIL, now, enforce_limits=False)
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


# --- codes ---------------------------------------------------------------------------------

def _code_row(session: Session, user_id: int, purpose: Purpose) -> VerificationCode | None:
    return session.scalar(select(VerificationCode).where(VerificationCode.user_id == user_id,
                                                         VerificationCode.purpose == purpose.value))


def _history(row: VerificationCode | None) -> SendHistory:
    if row is None:
        return SendHistory(None, None, 0)
    return SendHistory(row.last_sent_at, row.window_started_at, row.sent_count)


def _new_secret(session: Session, user, purpose: Purpose, sent_to: str, lifetime: dt.timedelta,
                now: dt.datetime, enforce_limits: bool) -> str | None:
    """Replaces the account's code for `purpose` with a new one; returns it, or None when limits say no.

    Raises ResendRefused when `enforce_limits` and a code went out too recently.
    """
    config = current_app.config
    rules = policy(config)
    row = _code_row(session, user.id, purpose)
    refusal = resend_refusal(_history(row), now, rules)
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
    history = after_send(_history(row), now, rules)
    row.last_sent_at, row.window_started_at, row.sent_count = (
        history.last_sent_at, history.window_started_at, history.sent_in_window)
    session.flush()
    return secret


def _send_code(session: Session, member: Member, purpose: Purpose, now: dt.datetime, *, enforce_limits: bool):
    rules = policy(current_app.config)
    user = member.user
    to = user.email if purpose is Purpose.EMAIL else member.mobile
    code = _new_secret(session, user, purpose, to, rules.lifetime, now, enforce_limits)
    minutes = int(rules.lifetime.total_seconds() // 60)
    context = {"name": member.first_name, "code": code, "minutes": minutes}
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
    notes = _send_code(session, member, step, now_utc(current_app.config), enforce_limits=True)
    session.commit()
    deliver_now(session, notes)
    return step


def verify_code(session: Session, user_id: int, purpose: Purpose, typed: str | None) -> Member:
    """Checks a typed code for the member's pending step; raises CodeRefused (the wrong try is counted)."""
    config = current_app.config
    rules = policy(config)
    now = now_utc(config)
    member = member_of(session, user_id)
    if pending_step(member) is not purpose:
        raise NothingToVerify()
    row = _code_row(session, user_id, purpose)
    sent_to = member.user.email if purpose is Purpose.EMAIL else member.mobile
    state = None if row is None or row.sent_to != sent_to else ChallengeState(row.expires_at, row.attempts, row.used_at)
    refusal = refusal_before_compare(state, now, rules)
    if refusal is not None:
        raise refusal
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
    candidate = code_digest(config["SECRET_KEY"], purpose, user_id, clean_typed_code(purpose, typed))
    if not digests_match(row.code_hash, candidate):
        session.commit()
        raise wrong_code(row.attempts, rules)
    used = session.execute(update(VerificationCode)
                           .where(VerificationCode.id == row.id, VerificationCode.used_at.is_(None))
                           .values(used_at=now)).rowcount
    if used != 1:
        session.rollback()
        raise CodeUsed()
    notes = []
    if purpose is Purpose.EMAIL:
        member.email_verified_at = now
        notes = _send_code(session, member, Purpose.MOBILE, now, enforce_limits=False)
    else:
        member.mobile_verified_at = now
    session.commit()
    deliver_now(session, notes)
    return member


# --- password reset ---------------------------------------------------------------------------

def request_password_reset(session: Session, typed_email: str, *, language: str) -> None:
    """Emails a reset link when the address belongs to an active account; says nothing either way."""
    config = current_app.config
    now = now_utc(config)
    email = (typed_email or "").strip().lower()
    user_model = current_app.appbuilder.sm.user_model
    user = session.scalar(select(user_model).where(
        (func.lower(user_model.username) == email) | (func.lower(user_model.email) == email)))
    if user is None or not user.active:
        log.info("password reset asked for an unknown or inactive account")
        return
    member = member_of(session, user.id)
    lifetime = dt.timedelta(minutes=int(config.get("PASSWORD_RESET_MINUTES", 60)))
    if resend_refusal(_history(_code_row(session, user.id, Purpose.RESET)), now, policy(config)) is not None:
        # Silently: telling the visitor would tell them the account exists.
        log.info("password reset for user %s not sent: asked again too soon", user.id)
        return
    token = _new_secret(session, user, Purpose.RESET, user.email, lifetime, now, enforce_limits=False)
    link = config["PUBLIC_BASE_URL"].rstrip("/") + url_for("MemberAccountsView.reset_password", token=token)
    notes = queue_message(session, template="password_reset", language=member.language if member else language,
                          context={"name": member.first_name if member else user.first_name, "link": link,
                                   "minutes": int(lifetime.total_seconds() // 60)},
                          email=user.email, user_id=user.id, sensitive=True)
    session.commit()
    deliver_now(session, notes)


def find_reset(session: Session, token: str | None) -> VerificationCode:
    """The live reset request behind a link; raises ResetLinkInvalid for any link that cannot be used."""
    if not token or len(token) > 200:
        raise ResetLinkInvalid()
    digest = code_digest(current_app.config["SECRET_KEY"], Purpose.RESET, None, token)
    row = session.scalar(select(VerificationCode).where(VerificationCode.code_hash == digest,
                                                        VerificationCode.purpose == Purpose.RESET.value))
    now = now_utc(current_app.config)
    if row is None or row.used_at is not None or now >= row.expires_at or not row.user.active:
        raise ResetLinkInvalid()
    return row


def reset_password(session: Session, token: str, new_password: str) -> None:
    """Sets a new password through a reset link, once; ends every session and announces the change by email."""
    now = now_utc(current_app.config)
    row = find_reset(session, token)
    user = row.user
    check_password_policy(new_password, user.email)
    used = session.execute(update(VerificationCode)
                           .where(VerificationCode.id == row.id, VerificationCode.used_at.is_(None),
                                  VerificationCode.expires_at > now)
                           .values(used_at=now)).rowcount
    if used != 1:
        session.rollback()
        raise ResetLinkInvalid()
    user.password = hash_password(new_password)
    user.fail_login_count = 0
    login_sessions.end_all(session, user.id)
    member = member_of(session, user.id)
    if member is not None and member.email_verified_at is None:
        # The link reached the mailbox, which proves the address as well as a code would.
        member.email_verified_at = now
    notes = announce_password_changed(session, user, member)
    session.commit()
    deliver_now(session, notes)


def announce_password_changed(session: Session, user, member: Member | None):
    """Queues the "your password was changed" email in the caller's transaction."""
    return queue_message(session, template="password_changed", language=member.language if member else "en",
                         context={"name": member.first_name if member else user.first_name,
                                  "login_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/login/"},
                         email=user.email, user_id=user.id)
