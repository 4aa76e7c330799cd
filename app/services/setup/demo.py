"""Demonstration data for development: the chamber's example companies and memberships, a fee schedule, and a user per role.

Never loaded in production. Dates are relative to today, so the demo always shows one
membership about to expire, one expired and others active.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import select

from app.adapters.registry import make_registry
from app.domain.dates import add_months
from app.extensions import db
from app.services.audit.trail import acting_as
from app.infrastructure.clock import today
from app.services.registry.companies import ReferenceCodes, upsert_company
from models import Company, FeeSchedule, Grade, GradeFee, Member, Membership, Voucher

log = logging.getLogger("ghurfa.demo")

# username, role, password, (first, middle, family), member identity or None
DEMO_USERS = (
    ("admin", "Admin", "ghurfa-admin-demo", ("Chamber", None, "Administrator"), None),
    ("staff", "Staff", "ghurfa-staff-demo", ("Chamber", None, "Staff"), None),
    ("auditor", "Auditor", "ghurfa-auditor-demo", ("Chamber", None, "Auditor"), None),
    ("iamsa@chamberoman.com", "Member", "ghurfa-member-demo", ("shmoouqa", "mohamed", "AL-hashmi"),
     {"id_number": "7324674", "mobile": "+96899416689", "language": "ar"}),
    ("owner@promising.example.om", "Member", "ghurfa-member-demo", ("Salim", None, "Al Balushi"),
     {"id_number": "1526575", "mobile": "+96892345678", "language": "en"}),
)

ANNUAL_FEES = {"excellent": 300_000, "first": 100_000, "second": 75_000, "third": 50_000, "fourth": 25_000}

# OCCI number, CR, grade held by the chamber, joined (months before today), expiry offset in days
DEMO_MEMBERSHIPS = (
    ("91868", "1445820", "fourth", 23, 20),      # expires within 30 days
    ("100234", "1102345", "third", 40, -90),     # expired beyond grace: name change needs renewal
    ("104410", "1310022", "first", 18, 200),     # active; the registry now says fourth
    ("100871", "1000123", "excellent", 60, 300), # active
    ("102215", "1120456", "second", 30, 45),     # active
)

# The chamber still holds the old name of 1102345 (the registry has renamed it).
CHAMBER_NAMES = {"1102345": ("Sohar Fishing Supplies", "صحار لمستلزمات الصيد")}


def load_demo_data(*, only_once: bool) -> dict[str, int]:
    if current_app.config.get("PRODUCTION"):
        raise RuntimeError("Demo data is never loaded in production.")
    if only_once and db.session.scalar(select(Membership.id).limit(1)) is not None:
        return {}
    on = today(current_app.config)
    summary = {}
    with acting_as("system:demo"):
        summary["fee_schedules"] = _fee_schedule()
        summary["vouchers"] = _vouchers(on)
        summary["companies"] = _companies()
        summary["memberships"] = _memberships(on)
        summary["users"] = _users()
        db.session.commit()
    log.info("Demo data loaded: %s", summary)
    return summary


def _fee_schedule() -> int:
    effective = dt.date(2018, 1, 1)
    if db.session.scalar(select(FeeSchedule).where(FeeSchedule.effective_from == effective)):
        return 0
    schedule = FeeSchedule(effective_from=effective, note="Seed fees (2018 user guide)",
                           registration_fee=10_000, replacement_fee=4_000, name_change_fee=4_000,
                           grade_change_fee=4_000, late_fee_per_month=0)
    grades = {g.code: g for g in db.session.scalars(select(Grade))}
    for code, fee in ANNUAL_FEES.items():
        schedule.grade_fees.append(GradeFee(grade=grades[code], annual_fee=fee))
    db.session.add(schedule)
    return 1


def _vouchers(on: dt.date) -> int:
    added = 0
    for code, kind, value, description in (
        ("WELCOME", "percent", 100, "New members join free this year"),
        ("OCCI10", "percent", 10, "10% off a renewal"),
    ):
        if db.session.scalar(select(Voucher).where(Voucher.code == code)) is None:
            db.session.add(Voucher(code=code, kind=kind, value=value, description=description,
                                   valid_from=on - dt.timedelta(days=30), valid_to=on + dt.timedelta(days=365),
                                   use_limit=100))
            added += 1
    return added


def _companies() -> int:
    registry = make_registry(current_app.config)
    codes = ReferenceCodes(db.session)
    count = 0
    for record in registry.all_companies():
        company, changes = upsert_company(db.session, record, codes)
        if changes.created:
            company.name_en, company.name_ar = CHAMBER_NAMES.get(
                record.cr_number, (record.name_en or record.name_ar, record.name_ar))
            count += 1
    db.session.flush()
    return count


def _memberships(on: dt.date) -> int:
    grades = {g.code: g for g in db.session.scalars(select(Grade))}
    count = 0
    for occi, cr, grade, joined_months, expiry_days in DEMO_MEMBERSHIPS:
        if db.session.scalar(select(Membership).where(Membership.occi_number == occi)):
            continue
        company = db.session.scalar(select(Company).where(Company.cr_number == cr))
        if company is None:
            continue
        db.session.add(Membership(occi_number=occi, company=company, grade=grades[grade],
                                  joined_on=add_months(on, -joined_months),
                                  expires_on=on + dt.timedelta(days=expiry_days)))
        count += 1
    return count


def _users() -> int:
    sm = current_app.appbuilder.sm
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    count = 0
    for username, role, password, (first, middle, family), identity in DEMO_USERS:
        if sm.find_user(username=username):
            continue
        email = username if "@" in username else f"{username}@chamberoman.example"
        user = sm.add_user(username, first, family or "-", email, sm.find_role(role), password=password)
        if identity:
            db.session.add(Member(user_id=user.id, first_name=first, middle_name=middle, family_name=family,
                                  mobile=identity["mobile"], country="OM", id_type="civil_id",
                                  id_number=identity["id_number"], language=identity["language"],
                                  email_verified_at=now, mobile_verified_at=now))
        count += 1
    return count
