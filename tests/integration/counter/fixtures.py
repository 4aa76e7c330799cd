"""A company with a membership and its certificate, and back-office users, for the counter and lifecycle tests."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.services.certificates.issue import issue_certificate
from models import Certificate, Company, FeeSchedule, Governorate, Grade, GradeFee, Member, Membership, Signatory
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


ANNUAL_FEES = {"excellent": 300_000, "first": 100_000, "second": 75_000, "third": 50_000, "fourth": 25_000}


def fee_schedule(app) -> None:
    """The seed's fees, in force from 2026-01-01: Fourth grade RO 25 a year; replacement and changes RO 4."""
    with app.app_context():
        grades = {g.code: g for g in db.session.scalars(select(Grade))}
        schedule = FeeSchedule(effective_from=dt.date(2026, 1, 1), registration_fee=10_000, replacement_fee=4_000,
                               name_change_fee=4_000, grade_change_fee=4_000, late_fee_per_month=0)
        for code, fee in ANNUAL_FEES.items():
            schedule.grade_fees.append(GradeFee(grade=grades[code], annual_fee=fee))
        db.session.add(schedule)
        db.session.commit()
        db.session.remove()


def counter_ready(app) -> dict:
    """Today fixed, the fee schedule, and the company with its membership and certificate."""
    set_today(app)
    fee_schedule(app)
    return company_with_certificate(app)


def serve(app, client, company_id: int, **fields):
    """Fills the counter's start form, quotes, then confirms; returns the confirming response."""
    import re

    from tests.conftest import csrf_from

    data = {"service": "renewal", "membership": "", "months": "12", "voucher": "", "civil_id": "1526575",
            "id_card_checked": "y", "email": "owner@promising.example.om", "mobile": "+96892345678",
            "language": "en", **fields}
    page = client.get(f"/counter/company/{company_id}").get_data(as_text=True)
    quoted = client.post(f"/counter/company/{company_id}", data={**data, "quote": "1",
                                                                 "csrf_token": csrf_from(page)})
    html = quoted.get_data(as_text=True)
    match = re.search(r'name="fingerprint" type="hidden" value="([^"]+)"|name="fingerprint" value="([^"]+)"', html)
    if not match:
        return quoted
    fingerprint = match.group(1) or match.group(2)
    return client.post(f"/counter/company/{company_id}", data={**data, "confirm": "1", "fingerprint": fingerprint,
                                                               "csrf_token": csrf_from(html)})
