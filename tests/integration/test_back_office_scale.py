"""What keeps the back office fast at scale, and that it changes nothing people see.

The bench generator, the typed lookups that replace a select of every company, the list
rows and menu built once per page or role, the permission check, the table cache (row
counts, small select boxes) and the trigram indexes.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_appbuilder.forms import GeneralModelConverter
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import PermissionView
from sqlalchemy import event, func, select, text

from app.extensions import db
from app.security import GhurfaSecurityManager
from bench.generate import GenerationRefused, generate
from models import AuditEntry, Company, Governorate, Membership
from tests.integration.helpers import login, make_user
from views.admin.table_cache import table_cache

TODAY = dt.date(2026, 11, 24)
RECORD_COUNT = re.compile(r"Record Count:</strong>\s*(\d+)")


def _seed(app, n: int = 40) -> None:
    with app.app_context():
        generate(db.engine, n=n, seed=3, today=TODAY)
        db.session.remove()


def _view(app, name: str):
    return next(v for v in app.appbuilder.baseviews if type(v).__name__ == name)


def _filter_index(app, view_name: str, column: str, operator: str) -> int:
    with app.test_request_context():
        names = [str(f.name) for f in _view(app, view_name)._filters.get_search_filters()[column]]
    return names.index(operator)


def _record_count(html: str) -> int:
    return int(RECORD_COUNT.search(html).group(1))


def _admin(app, client, username: str = "admin1", role: str = "Admin") -> None:
    make_user(app, username, role)
    assert login(client, username).status_code == 302


def test_generator_writes_unaudited_rows_and_leaves_the_sequences_usable(app):
    with app.app_context():
        audited = db.session.scalar(select(func.count()).select_from(AuditEntry))
        report = generate(db.engine, n=40, seed=3, today=TODAY)
        assert report.counts["company"] == report.counts["membership"] == report.counts["certificate"] == 40
        assert report.counts["signatory"] >= 40
        assert db.session.scalar(select(func.count()).select_from(Company)) == 40
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited
        with pytest.raises(GenerationRefused):
            generate(db.engine, n=5, seed=3, today=TODAY)
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          cr_status="active")
        db.session.add(company)
        db.session.commit()
        assert company.id == 41


def test_memberships_are_found_by_a_typed_cr_number_or_part_of_a_company_name(app, client):
    _seed(app)
    _admin(app, client)
    with app.app_context():
        membership = db.session.get(Membership, 20)
        company = db.session.get(Company, membership.company_id)
        word = company.name_ar.split()[0]
        expected = db.session.scalar(select(func.count()).select_from(Membership).join(Company).where(
            Company.name_en.contains(word) | Company.name_ar.contains(word)))
        cr_in_arabic_digits = company.cr_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        occi = membership.occi_number
        db.session.remove()
    by_cr = _filter_index(app, "MembershipView", "company", "CR number is")
    by_name = _filter_index(app, "MembershipView", "company", "Name contains")

    page = client.get(f"/membershipview/list/?_flt_{by_cr}_company={cr_in_arabic_digits}").get_data(as_text=True)
    assert _record_count(page) == 1 and occi in page
    page = client.get(f"/membershipview/list/?_flt_{by_name}_company={word}").get_data(as_text=True)
    assert _record_count(page) == expected > 0
    page = client.get(f"/membershipview/list/?_flt_{by_name}_company=%25").get_data(as_text=True)
    assert "No records found" in page  # a typed % is a character, not a wildcard
    # The search form offers a text box for the company, not a select holding every company.
    html = client.get("/membershipview/list/").get_data(as_text=True)
    assert company.name_en not in re.search(r"new AdminFilters\((.*?)\);", html, re.S).group(1)


def test_a_page_that_is_not_full_is_counted_from_its_rows(app, client):
    _seed(app, 30)
    _admin(app, client)
    with app.app_context():
        engine = db.engine
        company = db.session.get(Company, 7)
        cr_number = company.cr_number
        db.session.remove()
    counted: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if "count(" in statement.lower():
            counted.append(statement)

    by_cr = _filter_index(app, "MembershipView", "company", "CR number is")
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert _record_count(client.get(f"/membershipview/list/?_flt_{by_cr}_company={cr_number}").get_data(
            as_text=True)) == 1
        assert _record_count(client.get("/companyview/list/?page_CompanyView=1").get_data(as_text=True)) == 30
        assert "/membershipview/show/" in client.get("/companyview/show/7").get_data(as_text=True)
        assert counted == []
        assert _record_count(client.get("/companyview/list/").get_data(as_text=True)) == 30  # a full page
        assert len(counted) == 1
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_company_search_form_is_the_one_flask_appbuilder_builds(app, client):
    _admin(app, client)
    view = _view(app, "CompanyView")

    def search_form() -> str:
        html = client.get("/companyview/list/").get_data(as_text=True)
        return re.search(r"new AdminFilters\((.*?)\);", html, re.S).group(1)

    ours = search_form()
    fab_form = GeneralModelConverter(view.datamodel).create_form(view.label_columns, view.search_columns)
    view.search_form, kept = fab_form, view.search_form
    try:
        stock = search_form()
    finally:
        view.search_form = kept
    # The CR status is searched by its labels (a select), not as typed text: FAB's otherwise.
    coded = re.compile(r'"cr_status": "(?:[^"\\]|\\.)*"')
    assert any("cancelled" in field and "Cancelled" in field for field in coded.findall(ours))
    assert coded.sub("", ours) == coded.sub("", stock)
    assert "Muscat Governorate" in ours and "Fourth" in ours


def test_the_menu_is_flask_appbuilders_kept_per_language_and_role(app, client):
    _admin(app, client)
    cache = app.jinja_env.globals["ghurfa_navbar_menu"]

    def page(url: str) -> str:
        html = client.get(url).get_data(as_text=True)
        html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)  # a fresh CSP nonce per page
        return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)

    for url in ("/gradeview/list/", "/gradeview/list/?_l_=ar", "/gradeview/list/?_l_=en"):
        cached = page(url)
        app.jinja_env.globals["ghurfa_navbar_menu"] = cache.render
        try:
            fresh = page(url)
        finally:
            app.jinja_env.globals["ghurfa_navbar_menu"] = cache
        assert cached == fresh
    assert "List Users" in page("/gradeview/list/")
    client.get("/logout/")
    _admin(app, client, "staff1", "Staff")
    staff_page = page("/companyview/list/")
    assert "List Users" not in staff_page and "/companyview/list/" in staff_page


@pytest.mark.parametrize("role", ["Admin", "Staff", "Auditor", "Member"])
def test_permission_checks_agree_with_flask_appbuilder(app, client, role):
    _admin(app, client, "someone", role)
    with app.app_context():
        pairs = [(pv.permission.name, pv.view_menu.name) for pv in db.session.scalars(select(PermissionView))]
    assert len(pairs) > 100
    with client:
        client.get("/")
        sm = app.appbuilder.sm
        assert sm.request_role_rules() is not None  # the rules are resolved in memory, not by FAB
        answers = [GhurfaSecurityManager.has_access(sm, p, v) for p, v in pairs]
        assert answers == [SecurityManager.has_access(sm, p, v) for p, v in pairs]
        assert all(answers) if role == "Admin" else not all(answers)
        assert any(answers) or role == "Member"  # no member screen is registered yet


def test_the_table_cache_reuses_counts_and_options_until_a_commit_changes_the_table(app, client):
    _seed(app, 30)
    _admin(app, client)
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        seen.append(" ".join(statement.split()))

    def visit(url: str = "/companyview/list/") -> tuple[str, set[str]]:
        seen.clear()
        html = client.get(url).get_data(as_text=True)
        kinds = {kind for kind, pattern in (("count", "count("), ("governorates", "FROM governorate"),
                                            ("grades", "FROM grade")) if any(pattern in s for s in seen)}
        return html, kinds

    app.config["BACK_OFFICE_CACHE_SECONDS"] = 60
    event.listen(engine, "before_cursor_execute", record)
    try:
        html, read = visit()
        assert _record_count(html) == 30 and read == {"count", "governorates", "grades"}
        html, read = visit()
        assert _record_count(html) == 30 and read == set()  # all three reused
        contains = _filter_index(app, "CompanyView", "name_en", "Contains")
        assert visit(f"/companyview/list/?_flt_{contains}_name_en=a")[1] == {"count"}  # a search is always counted
        with app.app_context():
            db.session.add(Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                                   cr_status="active"))
            db.session.commit()
        html, read = visit()
        assert _record_count(html) == 31 and read == {"count"}
        with app.app_context():
            db.session.scalar(select(Governorate).where(Governorate.code == "wusta")).name_en = "Al Wusta"
            db.session.commit()
        html, read = visit()
        assert read == {"governorates"} and "Al Wusta<" in html and "Al Wusta Governorate" not in html
    finally:
        event.remove(engine, "before_cursor_execute", record)
        app.config["BACK_OFFICE_CACHE_SECONDS"] = 0
        table_cache.forget(str(engine.url), {"company", "governorate", "grade"})


@pytest.mark.parametrize("table, column, pattern", [
    ("company", "name_en", "%harthy%"), ("company", "name_ar", "%الحارثي%"),
    ("company", "cr_number", "%2292%"), ("membership", "occi_number", "%1868%"),
])
def test_contains_searches_can_use_a_trigram_index_on_postgresql(app, table, column, pattern):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("trigram indexes are PostgreSQL's; SQLite scans")
        with db.engine.connect() as conn:
            # With every other way ruled out, the plan shows whether the index serves ILIKE '%...%'.
            for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
                conn.execute(text(f"SET {setting} = off"))
            plan = "\n".join(conn.execute(
                text(f"EXPLAIN SELECT count(id) FROM {table} WHERE {column} ILIKE :pattern"), {"pattern": pattern}
            ).scalars())
    assert f"Bitmap Index Scan on ix_{table}_{column}_trgm" in plan
