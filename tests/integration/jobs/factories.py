"""Building companies, members and memberships for the job tests, and driving the clock."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from models import Company, Grade, Member, Membership, Signatory

MUSCAT = ZoneInfo("Asia/Muscat")


def set_clock(app, year, month, day, hour=10, minute=0) -> dt.datetime:
    """Muscat wall-clock time for the app (today follows from it)."""
    moment = dt.datetime(year, month, day, hour, minute, tzinfo=MUSCAT)
    app.config["CLOCK_NOW"] = moment
    app.config.pop("CLOCK_TODAY", None)
    return moment


def make_company(cr_number: str, name_en: str = "Promising Projects", name_ar: str = "المشاريع الواعدة",
                 civil_ids: tuple[str, ...] = (), grade: str = "fourth") -> Company:
    grade_id = db.session.scalar(select(Grade.id).where(Grade.code == grade))
    company = Company(cr_number=cr_number, name_en=name_en, name_ar=name_ar, registry_name_en=name_en,
                      registry_name_ar=name_ar, registry_grade_id=grade_id, cr_status="active")
    for civil_id in civil_ids:
        company.signatories.append(Signatory(civil_id=civil_id, name_en="Signatory", name_ar="مفوض",
                                             role="owner", active=True))
    db.session.add(company)
    db.session.flush()
    return company


def make_membership(company: Company, occi_number: str, expires_on: dt.date, grade: str = "fourth") -> Membership:
    grade_id = db.session.scalar(select(Grade.id).where(Grade.code == grade))
    membership = Membership(occi_number=occi_number, company_id=company.id, grade_id=grade_id,
                            joined_on=expires_on - dt.timedelta(days=700), expires_on=expires_on)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_member(app, username: str, civil_id: str, language: str = "en", verified: bool = True,
                mobile: str = "+96899416689") -> Member:
    sm = app.appbuilder.sm
    user = sm.add_user(username, username.title(), "Member", f"{username}@example.om", sm.find_role("Member"),
                       password="correct horse battery staple")
    stamp = dt.datetime(2020, 1, 1) if verified else None
    member = Member(user_id=user.id, first_name=username.title(), family_name="Al Harthy", mobile=mobile,
                    country="OM", id_type="civil_id", id_number=civil_id, language=language,
                    email_verified_at=stamp, mobile_verified_at=stamp)
    db.session.add(member)
    db.session.flush()
    return member
