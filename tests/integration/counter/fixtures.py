"""A company with a membership and its certificate, and back-office users, for the counter and lifecycle tests."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.services.certificates.issue import issue_certificate
from models import Certificate, Company, Governorate, Grade, Member, Membership, Signatory
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user

TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.timezone.utc)  # 10:00 in Muscat


def set_today(app) -> None:
    app.config["CLOCK_TODAY"] = TODAY
    app.config["CLOCK_NOW"] = NOW


def company_with_certificate(app, *, expires_on: dt.date = dt.date(2027, 3, 19)) -> dict:
    with app.test_request_context():
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          registry_name_en="promising projects", registry_name_ar="المشاريع الواعدة",
                          cr_status="active", address="Ruwi",
                          governorate=db.session.scalar(select(Governorate).where(Governorate.code == "muscat")),
                          registry_grade=db.session.scalar(select(Grade).where(Grade.code == "fourth")))
        company.signatories.append(Signatory(civil_id="1526575", name_en="Salim", name_ar="سالم", active=True))
        membership = Membership(occi_number="1128046", company=company, joined_on=dt.date(2020, 3, 19),
                                expires_on=expires_on,
                                grade=db.session.scalar(select(Grade).where(Grade.code == "fourth")))
        db.session.add(membership)
        db.session.flush()
        certificate = issue_certificate(db.session, membership, today=TODAY)
        db.session.commit()
        ids = {"company": company.id, "membership": membership.id, "certificate": certificate.id,
               "serial": certificate.serial, "token": certificate.verify_token}
        db.session.remove()
        return ids


def member_for(app, civil_id: str = "1526575", username: str = "salim") -> int:
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(username, "Salim", "Al Harthy", f"{username}@example.om", sm.find_role("Member"),
                           password="correct horse battery staple")
        stamp = dt.datetime(2020, 1, 1)
        member = Member(user_id=user.id, first_name="Salim", family_name="Al Harthy", mobile="+96899416689",
                        country="OM", id_type="civil_id", id_number=civil_id, language="ar",
                        email_verified_at=stamp, mobile_verified_at=stamp)
        db.session.add(member)
        db.session.commit()
        member_id = member.id
        db.session.remove()
        return member_id


def back_office(app, username: str, role: str):
    make_user(app, username, role)
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def post(app, client, url: str, data: dict | None = None, language: str = "en", **kwargs):
    client.get(f"/lang/{language}")
    return client.post(url, data={**(data or {}), "csrf_token": csrf_for(client, app)}, **kwargs)


def certificates(app, membership_id: int) -> list[Certificate]:
    with app.app_context():
        rows = list(db.session.scalars(select(Certificate).where(Certificate.membership_id == membership_id)
                                       .order_by(Certificate.id)))
        db.session.expunge_all()
        return rows
