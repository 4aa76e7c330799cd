"""The member account of a logged-in user, looked up once per database session (one request)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Member

_KEY = "ghurfa_members_by_user"


def member_of(session: Session, user_id: int) -> Member | None:
    """The user's member account, or None (staff, auditors). A page asks several times (the verification
    guard, the navigation bar, the view): only the first asks the database. Only a found account is kept,
    so an account created later in the same request is found then."""
    known = session.info.setdefault(_KEY, {})
    member = known.get(user_id)
    if member is not None and member in session:
        return member
    member = session.scalar(select(Member).where(Member.user_id == user_id))
    if member is not None:
        known[user_id] = member
    return member
