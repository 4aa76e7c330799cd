"""Server-side login sessions: every login gets a random token recorded here, and logout ends it.

Flask keeps its session in a signed cookie, so clearing the cookie at logout does not
stop a copy of it from working. Each login therefore records a token (only its SHA-256
is stored) and puts the token in the cookie; the user loader accepts a cookie only while
its token's row is open. Logout, a password reset or the lifetime ends the row.

Any code that calls flask_login.login_user() (the password form, PKI login) gets a
session row: it hooks Flask-Login's login and logout signals.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import Flask, current_app, request, session
from flask_login import user_logged_in, user_logged_out
from sqlalchemy import and_, delete, exists, or_, select, update

from app.extensions import db
from app.services.audit import trail as audit
from models import LoginSession
from models.base import utcnow

TOKEN_KEY = "_ghurfa_session"
# Kept across the session rotation at login: the language the visitor chose.
KEPT_ACROSS_LOGIN = ("locale",)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def rotate_session() -> None:
    """Starts a fresh session (new CSRF token, nothing carried over) except for the chosen language."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)


def begin(user) -> str:
    """Records a new login session of `user` and puts its token in the cookie session; commits."""
    token = secrets.token_urlsafe(32)
    agent = request.user_agent.string[:200] or None
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), started_at=utcnow(),
                                remote_addr=(request.remote_addr or "")[:45] or None, user_agent=agent))
    db.session.commit()
    session[TOKEN_KEY] = token
    return token


def end_current() -> None:
    """Ends the session whose token the cookie carries (logout); commits."""
    token = session.pop(TOKEN_KEY, None)
    if not token:
        return
    db.session.execute(update(LoginSession)
                       .where(LoginSession.token_hash == _hash(token), LoginSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))
    db.session.commit()


def end_all(db_session, user_id: int) -> int:
    """Ends every open session of an account (after its password changed), in the caller's transaction."""
    result = db_session.execute(update(LoginSession)
                                .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
                                .values(ended_at=utcnow()))
    return result.rowcount or 0


def live_condition(user_id: int, token: str | None):
    """An SQL condition true while the cookie's token names an open, unexpired session of this user,
    or None when the cookie carries no token at all. Lets the user loader check it in its own query."""
    if not token or not isinstance(token, str):
        return None
    lifetime = dt.timedelta(hours=int(current_app.config.get("LOGIN_SESSION_HOURS", 12)))
    return exists().where(LoginSession.token_hash == _hash(token), LoginSession.user_id == user_id,
                          LoginSession.ended_at.is_(None), LoginSession.started_at > utcnow() - lifetime)


def is_live(user_id: int, token: str | None) -> bool:
    """True while the cookie's token belongs to an open, unexpired session of this user."""
    if not token or not isinstance(token, str):
        return False
    row = db.session.execute(
        select(LoginSession.started_at)
        .where(LoginSession.token_hash == _hash(token), LoginSession.user_id == user_id,
               LoginSession.ended_at.is_(None))
    ).first()
    if row is None:
        return False
    # Measured on the wall clock, not the chamber's business clock (CLOCK_NOW), which
    # tests move about while a user stays logged in.
    lifetime = dt.timedelta(hours=int(current_app.config.get("LOGIN_SESSION_HOURS", 12)))
    return utcnow() - row.started_at < lifetime


def _on_login(sender, user, **extra) -> None:
    begin(user)


def _on_logout(sender, user, **extra) -> None:
    if user is not None and getattr(user, "id", None) is not None:
        with audit.acting_as(user.username, user.id):
            audit.record(db.session, "logout", "ab_user", str(user.id))
    end_current()
    db.session.commit()


def install(app: Flask) -> None:
    """Hooks login and logout of this app (Flask-Login's signals) to the session records."""
    # FAB hands over current_app, a proxy; the signals are sent by the real app object.
    real_app = app._get_current_object() if hasattr(app, "_get_current_object") else app
    user_logged_in.connect(_on_login, real_app)
    user_logged_out.connect(_on_logout, real_app)


def purge_old(db_session, now: dt.datetime, keep_days: int, lifetime_hours: int) -> int:
    """Deletes the login sessions that ended (or outlived LOGIN_SESSION_HOURS) more than `keep_days` ago.

    Sessions still open and within their lifetime are never touched; `now` is naive UTC.
    """
    cutoff = now - dt.timedelta(days=keep_days)
    expired_before = cutoff - dt.timedelta(hours=lifetime_hours)
    result = db_session.execute(delete(LoginSession).where(or_(
        LoginSession.ended_at < cutoff,
        and_(LoginSession.ended_at.is_(None), LoginSession.started_at < expired_before))))
    return result.rowcount or 0
