"""How a member is named to them: in Arabic, the name the commercial registry holds in Arabic when it has one."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Member, Signatory


def registry_arabic_name(session: Session, member: Member) -> str | None:
    """The member's name in Arabic as a signatory of a company at the registry (civil ID holders only)."""
    if member.id_type != "civil_id":
        return None
    return session.scalar(
        select(Signatory.name_ar)
        .where(Signatory.civil_id == member.id_number, Signatory.name_ar.is_not(None), Signatory.name_ar != "")
        .order_by(Signatory.active.desc(), Signatory.id)
        .limit(1)
    )


def greeting_name(session: Session, member: Member, language: str | None = None) -> str:
    """The name to greet the member with in `language` (default: the member's own language)."""
    language = language or member.language
    if language == "ar":
        arabic = registry_arabic_name(session, member)
        if arabic:
            return arabic
    return member.full_name
