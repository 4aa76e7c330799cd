"""Fixtures for the self-service tests: the seed's companies, fees and memberships, two verified
members who log in through /login/, the identity proof, and the sandbox payment walk."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.adapters.registry import make_registry
from app.extensions import db
from app.services.audit.trail import acting_as
from app.services.registry.companies import ReferenceCodes, upsert_company
from models import Company, FeeSchedule, Grade, GradeFee, Member, Membership, Voucher

from .helpers import SEED_NOW, SEED_TODAY, login_member

ANNUAL_FEES = {"excellent": 300_000, "first": 100_000, "second": 75_000, "third": 50_000, "fourth": 25_000}

# username, civil ID, language, (first, middle, family), mobile
MEMBERS = {
    "hashmi": ("iamsa@chamberoman.com", "7324674", "ar", ("shmoouqa", "mohamed", "AL-hashmi"), "+96899416689"),
    "salim": ("owner@promising.example.om", "1526575", "en", ("Salim", None, "Al-Rawahi"), "+96892345678"),
}


@pytest.fixture
def seeded(app):
    """Today is 2018-03-18 (the seed's grade change day); the seed's fee schedule is in force.

    Memberships: 91868 of CR 1445820 (Fourth, expires 2018-03-19, the seed's renewal),
    104410 of CR 1310022 (First, expires 2018-12-13, the registry now says Fourth),
    100234 of CR 1102345 (Third, active, the registry holds a new name). CR 1229237 has none.
    """
    saved = {key: app.config.get(key) for key in ("PAYMENT_NOTIFY", "PUBLIC_BASE_URL", "REGISTRY_BACKEND",
                                                  "REGISTRY_URL", "REGISTRY_TIMEOUT", "FAB_PASSWORD_HASH_METHOD")}
    # A cheap hash for the test users only: logging in is not what these tests are about.
    app.config.update(CLOCK_TODAY=SEED_TODAY, CLOCK_NOW=SEED_NOW, PAYMENT_NOTIFY=False,
                      PUBLIC_BASE_URL="http://localhost", FAB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    with app.app_context(), acting_as("test:seed"):
        grades = {g.code: g for g in db.session.scalars(select(Grade))}
        schedule = FeeSchedule(effective_from=dt.date(2018, 1, 1), registration_fee=10_000, replacement_fee=4_000,
                               name_change_fee=4_000, grade_change_fee=4_000, late_fee_per_month=0)
        for code, fee in ANNUAL_FEES.items():
            schedule.grade_fees.append(GradeFee(grade=grades[code], annual_fee=fee))
        db.session.add(schedule)
        for code, kind, value in (("WELCOME", "percent", 100), ("OCCI10", "percent", 10)):
            db.session.add(Voucher(code=code, kind=kind, value=value, valid_from=dt.date(2018, 1, 1),
                                   valid_to=dt.date(2018, 12, 31), use_limit=100))
        codes = ReferenceCodes(db.session)
        for record in make_registry(app.config).all_companies():
            upsert_company(db.session, record, codes)
        db.session.flush()
        sohar = db.session.scalar(select(Company).where(Company.cr_number == "1102345"))
        sohar.name_en, sohar.name_ar = "Sohar Fishing Supplies", "صحار لمستلزمات الصيد"
        for occi, cr, grade, joined, expires in (
            ("91868", "1445820", "fourth", dt.date(2017, 3, 19), dt.date(2018, 3, 19)),
            ("104410", "1310022", "first", dt.date(2017, 12, 13), dt.date(2018, 12, 13)),
            ("100234", "1102345", "third", dt.date(2017, 6, 1), dt.date(2018, 6, 1)),
        ):
            company = db.session.scalar(select(Company).where(Company.cr_number == cr))
            db.session.add(Membership(occi_number=occi, company=company, grade=grades[grade],
                                      joined_on=joined, expires_on=expires))
        now = dt.datetime(2018, 1, 1)
        sm = app.appbuilder.sm
        for username, civil_id, language, (first, middle, family), mobile in MEMBERS.values():
            user = sm.add_user(username, first, family, username, sm.find_role("Member"), password="member-pass-1")
            db.session.add(Member(user_id=user.id, first_name=first, middle_name=middle, family_name=family,
                                  mobile=mobile, country="OM", id_type="civil_id", id_number=civil_id,
                                  language=language, email_verified_at=now, mobile_verified_at=now))
        db.session.commit()
        db.session.remove()
    yield
    app.config.update(saved)


@pytest.fixture
def hashmi(app, seeded):
    """The seed's member (civil ID 7324674, Arabic), logged in; signs for 1445820, 1102345, 1310022."""
    client = app.test_client()
    login_member(client, MEMBERS["hashmi"][0])
    return client


@pytest.fixture
def salim(app, seeded):
    """Civil ID 1526575 (English), logged in; signs for 1229237 and 1445820 among others."""
    client = app.test_client()
    login_member(client, MEMBERS["salim"][0])
    return client
