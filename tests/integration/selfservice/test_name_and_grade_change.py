"""Change name and change grade: the registry's values beside the chamber's, the seed's fee and dates."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.extensions import db
from models import Certificate, Company, Membership, ServiceOrder

from .helpers import choose_membership, confirm, counts, deliver, flat, pay_on_sandbox, refused_at_selection, text


def test_name_change_takes_the_names_registered_at_the_ministry(app, hashmi):
    base = "/services/name-change"
    choose_membership(hashmi, app, base, "1102345", "100234", "7324674")
    details = text(hashmi.get(f"{base}/details"))
    for shown in ("Sohar Fishing Supplies", "صحار لمستلزمات الصيد", "Sohar Marine Services", "صحار للخدمات البحرية"):
        assert shown in details
    check = flat(text(hashmi.get(f"{base}/check")))
    assert "Name change fee RO 4 Total RO 4" in check
    deliver(hashmi, pay_on_sandbox(hashmi, text(confirm(hashmi, base))))
    with app.app_context():
        company = db.session.scalar(select(Company).where(Company.cr_number == "1102345"))
        assert (company.name_en, company.name_ar) == ("Sohar Marine Services", "صحار للخدمات البحرية")
        certificate = db.session.scalar(select(Certificate))
        assert certificate.snapshot["company_name_en"] == "Sohar Marine Services"
        db.session.remove()


def test_name_change_is_refused_while_the_membership_is_expired(app, hashmi):
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.occi_number == "100234"))
        membership.expires_on = dt.date(2017, 12, 1)  # expired, past the 30 days of grace
        db.session.commit()
        db.session.remove()
    base = "/services/name-change"
    before = counts(app)
    page = refused_at_selection(hashmi, base, "1102345", "100234")
    assert "The membership has expired. Please renew the company first." in page
    assert 'id="renew-first" href="/services/renewal/"' in page
    assert counts(app) == before


def test_name_change_is_refused_when_the_registry_holds_no_new_name(app, hashmi):
    base = "/services/name-change"
    before = counts(app)
    assert "The commercial registry holds no new name for this company" in refused_at_selection(
        hashmi, base, "1445820", "91868")
    assert counts(app) == before


def test_grade_change_with_the_seed_figures(app, hashmi):
    base = "/services/grade-change"
    choose_membership(hashmi, app, base, "1310022", "104410", "7324674")
    details = flat(text(hashmi.get(f"{base}/details")))
    assert "Grade First" in details and "Grade at the Ministry Fourth" in details
    assert "Expiry date 2018-12-13" in details and "New grade Fourth" in details
    assert "New expiry date 2019-03-18" in details
    check = flat(text(hashmi.get(f"{base}/check")))
    assert "Current grade First" in check and "New grade Fourth" in check
    assert "New expiry date 2019-03-18 Grade change fee RO 4 Total RO 4" in check
    deliver(hashmi, pay_on_sandbox(hashmi, text(confirm(hashmi, base))))
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.occi_number == "104410"))
        assert membership.grade.code == "fourth" and membership.expires_on == dt.date(2019, 3, 18)
        order = db.session.scalar(select(ServiceOrder))
        assert order.status == "fulfilled" and order.total == 4_000
        certificate = db.session.scalar(select(Certificate))
        assert (certificate.snapshot["grade_en"], certificate.snapshot["grade_ar"]) == ("Fourth", "الرابعة")
        db.session.remove()


def test_grade_change_is_refused_when_the_registry_grade_is_the_current_one(app, hashmi):
    base = "/services/grade-change"
    before = counts(app)
    assert "The company is already registered in grade Fourth." in refused_at_selection(
        hashmi, base, "1445820", "91868")
    assert counts(app) == before
