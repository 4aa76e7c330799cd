"""Back-office forms refuse bad input with a message in the user's language and save nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import AuditEntry, Company, Grade, Membership, Voucher
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def admin(app, client):
    app.config["CLOCK_TODAY"] = TODAY
    make_user(app, "admin1", "Admin")
    login(client, "admin1")
    return client


def _count(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
        return n


def _post(app, client, url, data, language="en"):
    client.get(f"/lang/{language}")
    return client.post(url, data={**data, "csrf_token": csrf_for(client, app)}, follow_redirects=True)


def _company(app) -> int:
    with app.app_context():
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          cr_status="active")
        db.session.add(company)
        db.session.commit()
        return company.id


def _grade_id(app, code="fourth") -> int:
    with app.app_context():
        return db.session.scalar(select(Grade.id).where(Grade.code == code))


@pytest.mark.parametrize("language,expected", [("en", "A CR number is 4 to 10 digits."),
                                               ("ar", "رقم السجل التجاري من 4 إلى 10 أرقام.")])
def test_a_cr_number_that_is_not_digits(app, admin, language, expected):
    before = _count(app, AuditEntry)
    page = _post(app, admin, "/companyview/add", {"cr_number": "12A9237", "name_en": "x", "name_ar": "س",
                                                  "cr_status": "active"}, language)
    assert expected in page.get_data(as_text=True)
    assert 'value="12A9237"' in page.get_data(as_text=True)  # the form keeps what was typed
    assert _count(app, Company) == 0 and _count(app, AuditEntry) == before


def test_a_duplicate_occi_number(app, admin):
    company = _company(app)
    grade = _grade_id(app)
    data = {"occi_number": "91868", "company": str(company), "grade": str(grade),
            "joined_on": "2017-03-19", "expires_on": "2018-03-19"}
    assert _post(app, admin, "/membershipview/add", data).status_code == 200
    assert _count(app, Membership) == 1
    page = _post(app, admin, "/membershipview/add", data, "ar").get_data(as_text=True)
    assert page.count("رقم العضوية: يوجد سجل آخر بهذه القيمة.") == 1  # once, naming the field
    assert "Already exists" not in page and "IntegrityError" not in page
    page = _post(app, admin, "/membershipview/add", data, "en").get_data(as_text=True)
    assert page.count("OCCI number: another record already has this value.") == 1
    assert _count(app, Membership) == 1


def test_an_expiry_before_joining(app, admin):
    company = _company(app)
    page = _post(app, admin, "/membershipview/add", {
        "occi_number": "91868", "company": str(company), "grade": str(_grade_id(app)),
        "joined_on": "2018-03-19", "expires_on": "2016-09-19"})
    assert "The expiry date cannot be before the joining date." in page.get_data(as_text=True)
    assert _count(app, Membership) == 0


# Fee schedules are entered in their one-form editor: see tests/integration/fees/.


def test_a_voucher_over_100_percent(app, admin):
    page = _post(app, admin, "/voucherview/add", {"code": "HALF-OFF", "kind": "percent", "value": "150",
                                                  "valid_from": "2026-11-01", "valid_to": "2026-12-31"})
    assert "A percentage voucher cannot be more than 100%." in page.get_data(as_text=True)
    assert _count(app, Voucher) == 0
    page = _post(app, admin, "/voucherview/add", {"code": "HALF-OFF", "kind": "percent", "value": "50",
                                                  "valid_from": "2026-11-01", "valid_to": "2026-12-31"})
    assert _count(app, Voucher) == 1


def _field_error(page, field: str) -> str:
    """The text FAB shows under one form field (empty when the field has no error)."""
    html = page.get_data(as_text=True)
    start = html.find(f'name="{field}"')
    assert start != -1, field
    end = html.find("</div>", html.find('class="help-block"', start)) if 'class="help-block"' in html[start:start + 2000] else start
    return html[start:end]


@pytest.mark.parametrize("field,data,expected", [
    ("code", {"code": "half-off"}, "A voucher code has 3 to 32 Latin letters, digits or dashes."),
    ("value", {"value": "0"}, "A voucher's value must be greater than zero."),
    ("valid_to", {"valid_to": "2026-10-31"}, "cannot be before its first day"),
    ("use_limit", {"use_limit": "0"}, "A voucher's use limit must be at least 1"),
])
def test_a_voucher_is_saved_only_through_the_domain_rules(app, admin, field, data, expected):
    voucher = {"code": "HALF-OFF", "kind": "fixed", "value": "5", "valid_from": "2026-11-01",
               "valid_to": "2026-12-31", **data}
    page = _post(app, admin, "/voucherview/add", voucher)
    assert expected in _field_error(page, field)
    assert _count(app, Voucher) == 0


def test_a_voucher_refusal_in_arabic(app, admin):
    page = _post(app, admin, "/voucherview/add", {"code": "HALF-OFF", "kind": "fixed", "value": "0",
                                                  "valid_from": "2026-11-01", "valid_to": "2026-12-31"}, "ar")
    error = _field_error(page, "value")
    assert "help-block" in error and "A voucher" not in error
    assert _count(app, Voucher) == 0


@pytest.mark.parametrize("language,grade,governorate", [("en", "Fourth", "Muscat"), ("ar", "الرابعة", "مسقط")])
def test_related_records_are_offered_by_their_name_in_the_readers_language(app, admin, language, grade, governorate):
    import re

    admin.get(f"/lang/{language}")
    page = admin.get("/companyview/add").get_data(as_text=True)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert grade in options and any(governorate in option for option in options), options
