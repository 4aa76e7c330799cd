"""Who hears about a company: the verified portal members whose civil ID is one of its active signatories."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models import Member, Signatory

_CHUNK = 900  # below SQLite's bound-parameter limits


@dataclass(frozen=True)
class Contact:
    member_id: int
    user_id: int
    name: str
    email: str
    mobile: str
    language: str


def verified_contacts(session: Session, company_ids: Iterable[int]) -> dict[int, list[Contact]]:
    """Contacts per company id; a company nobody verified for is absent."""
    ids = sorted(set(company_ids))
    found: dict[int, list[Contact]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(Signatory.company_id, Member.id, Member.user_id, Member.first_name, Member.middle_name,
                   Member.family_name, User.email, Member.mobile, Member.language, Signatory.name_ar)
            .join(Member, and_(Member.id_type == "civil_id", Member.id_number == Signatory.civil_id))
            .join(User, User.id == Member.user_id)
            .where(Signatory.company_id.in_(ids[start:start + _CHUNK]), Signatory.may_act,
                   Member.email_verified_at.is_not(None), Member.mobile_verified_at.is_not(None),
                   User.active.is_(True))
            .order_by(Signatory.company_id, Member.id)
        )
        for company_id, member_id, user_id, first, middle, family, email, mobile, language, name_ar in rows:
            # In Arabic, the name the registry holds for this signatory, when it has one.
            name = name_ar if language == "ar" and name_ar else " ".join(p for p in (first, middle, family) if p)
            found[company_id].append(Contact(member_id, user_id, name, email, mobile, language or "en"))
    return dict(found)
