"""When the member's companies were last read from the commercial registry, kept in their session.

"Select company" reads the member's companies from the registry again at most every
REGISTRY_REFRESH_MINUTES (and whenever they press "Check again"); in between it lists
what the chamber last heard. The company they choose is always read again when chosen,
so who may act for it is never older than that moment.
"""
from __future__ import annotations

import datetime as dt

from flask import session

from models import Member

KEY = "registry_checked"


def checked_at(member: Member) -> dt.datetime | None:
    """When this member's companies were last read from the registry in this session (naive UTC)."""
    found = session.get(KEY) or {}
    if found.get("member") != member.id:
        return None
    try:
        return dt.datetime.fromisoformat(found["at"])
    except (KeyError, TypeError, ValueError):
        return None


def due(member: Member, now: dt.datetime, minutes: int) -> bool:
    last = checked_at(member)
    return last is None or minutes <= 0 or not (now - dt.timedelta(minutes=minutes) < last <= now)


def mark(member: Member, now: dt.datetime) -> None:
    session[KEY] = {"member": member.id, "at": now.isoformat()}


def forget() -> None:
    session.pop(KEY, None)
