"""Forgotten passwords: a reset link by email, the new password, and the notice that it changed."""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.domain.verification import Purpose, ResetLinkInvalid, code_digest, resend_refusal
from app.infrastructure.clock import now_utc
from app.services.accounts import login_sessions
from app.services.accounts.passwords import check_password_policy, hash_password
from app.services.accounts.verification_codes import code_row, member_of, new_secret, policy, send_history
from app.services.notifications.links import page_link
from app.services.notifications.outbox import deliver_now, queue_message
from models import Member, VerificationCode

log = logging.getLogger("ghurfa.accounts")


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
    if resend_refusal(send_history(code_row(session, user.id, Purpose.RESET)), now, policy(config)) is not None:
        # Silently: telling the visitor would tell them the account exists.
        log.info("password reset for user %s not sent: asked again too soon", user.id)
        return
    token = new_secret(session, user, Purpose.RESET, user.email, lifetime, now, enforce_limits=False)
    link = page_link(config, "reset_password", token=token)
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
                                  "login_url": page_link(current_app.config, "login")},
                         email=user.email, user_id=user.id)
