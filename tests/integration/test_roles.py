"""Roles: what each may see and, above all, that Auditors and Members cannot change anything."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import AuditEntry, Company, Grade, Membership
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user

WRITE_WORDS = ("add", "edit", "delete", "action", "api/v1", "update", "verify", "resend", "settle", "run")


def _seed_company(app) -> int:
    with app.app_context():
        grade = db.session.scalar(select(Grade).where(Grade.code == "fourth"))
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          cr_status="active")
        db.session.add(company)
        db.session.flush()
        db.session.add(Membership(occi_number="91868", company_id=company.id, grade_id=grade.id,
                                  joined_on=dt.date(2017, 3, 19), expires_on=dt.date(2018, 3, 19)))
        db.session.commit()
        return company.id


# What an auditor may leave in the log without changing any record: their exports and chain checks.
READING_EVENTS = ("export", "verify")


def _audit_count(app) -> int:
    """Entries that record a change (a reading event of an auditor is not one)."""
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action.notin_(READING_EVENTS)))
        db.session.remove()
        return count


def _back_office_write_urls(app, pk: int) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if not path.startswith(("/", )) or path.startswith(("/static", "/appbuilder", "/login", "/logout", "/lang")):
            continue
        if not any(word in path for word in WRITE_WORDS):
            continue
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", str(pk)).replace(f"<int:{arg}>", str(pk)).replace(f"<path:{arg}>", str(pk))
        path = path.replace("<string:pk>", str(pk))
        if "<" in path:
            path = path.split("<", 1)[0]
        urls.append(path)
    return sorted(set(urls))


@pytest.mark.parametrize("role", ["Auditor", "Member"])
def test_no_back_office_url_changes_anything(app, client, role):
    pk = _seed_company(app)
    make_user(app, "someone", role)
    assert login(client, "someone").status_code == 302
    token = csrf_for(client, app)
    before = _audit_count(app)
    urls = _back_office_write_urls(app, pk)
    assert any("/companyview/edit/" in u for u in urls) and any("/membershipview/delete/" in u for u in urls)
    payload = {"csrf_token": token, "cr_number": "9999999", "name_en": "x", "name_ar": "x", "cr_status": "active",
               "occi_number": "1", "code": "zz", "rank": "9", "rowid": str(pk), "action": "muldelete"}
    for url in urls:
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(url, data=payload)
            assert response.status_code < 500, (url, method, response.status_code)
            if method != "get":
                assert response.status_code in (302, 400, 401, 403, 404, 405), (url, method, response.status_code)
    assert _audit_count(app) == before
    with app.app_context():
        company = db.session.get(Company, pk)
        assert company.cr_number == "1229237" and company.name_en == "promising projects"


def test_auditor_reads_but_sees_no_write_buttons(app, client):
    _seed_company(app)
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    for url in ("/companyview/list/", "/membershipview/list/", "/feescheduleview/list/", "/auditlogview/list/",
                "/users/list/"):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get("/companyview/list/").get_data(as_text=True)
    assert "/companyview/add" not in html and "/companyview/edit/" not in html


def test_member_has_no_back_office(app, client):
    _seed_company(app)
    make_user(app, "member1", "Member")
    login(client, "member1")
    for url in ("/companyview/list/", "/membershipview/list/", "/users/list/", "/auditlogview/list/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url


def test_staff_manage_companies_but_fee_schedules_read_only(app, client):
    _seed_company(app)
    make_user(app, "staff1", "Staff")
    login(client, "staff1")
    assert client.get("/companyview/add").status_code == 200
    assert client.get("/feescheduleview/list/").status_code == 200
    response = client.get("/feescheduleview/add")
    assert response.status_code in (302, 403)


def test_roles_are_created_idempotently(app):
    from app.services.setup.bootstrap import prepare_database

    with app.app_context():
        prepare_database(demo=False)
        prepare_database(demo=False)
        names = sorted(r.name for r in app.appbuilder.sm.get_all_roles())
        assert names == ["Admin", "Auditor", "Member", "Public", "Staff"]


def test_the_same_forged_requests_do_change_data_for_an_admin(app, client):
    """Proves the oracle above can fail: the requests are real writes when the role allows them."""
    pk = _seed_company(app)
    make_user(app, "admin1", "Admin")
    login(client, "admin1")
    token = csrf_for(client, app)
    before = _audit_count(app)
    response = client.post(f"/companyview/edit/{pk}", data={
        "csrf_token": token, "cr_number": "1229237", "name_en": "promising projects LLC",
        "name_ar": "المشاريع الواعدة", "cr_status": "active"})
    assert response.status_code == 302
    assert _audit_count(app) == before + 1
