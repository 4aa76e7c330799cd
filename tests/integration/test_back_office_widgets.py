"""The list widgets render FAB's markup: rows formatted in Python, the empty search form kept per list and language."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from flask_appbuilder.widgets import SearchWidget
from sqlalchemy import select

from app.extensions import db
from bench.generate import generate
from models import Grade
from tests.integration.helpers import login, make_user
from views.admin import widgets
from views.admin.table_cache import table_cache

SEARCH = re.compile(r'<form id="filter_form".*?</script>', re.S)


def _search_form(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', SEARCH.search(html).group(0))


@pytest.fixture()
def admin(app, client):
    with app.app_context():
        generate(db.engine, n=12, seed=4, today=dt.date(2026, 11, 24))
        db.session.remove()
    make_user(app, "admin1", "Admin")
    assert login(client, "admin1").status_code == 302
    app.config["BACK_OFFICE_CACHE_SECONDS"] = 60
    yield client
    app.config["BACK_OFFICE_CACHE_SECONDS"] = 0
    with app.app_context():
        table_cache.forget(str(db.engine.url), {"company", "membership", "grade", "governorate"})


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_kept_search_form_is_the_one_flask_appbuilder_builds(app, admin, monkeypatch, language):
    admin.get(f"/lang/{language}")
    ours = _search_form(admin.get("/companyview/list/").get_data(as_text=True))
    kept = _search_form(admin.get("/companyview/list/").get_data(as_text=True))
    monkeypatch.setattr(widgets.ChamberSearchWidget, "__call__", SearchWidget.__call__)
    stock = _search_form(admin.get("/companyview/list/").get_data(as_text=True))
    assert ours == kept == stock
    assert ("محافظة" if language == "ar" else "Governorate") in ours  # the governorates' select box


def test_the_search_form_is_built_once_per_list_and_language_until_its_tables_change(app, admin, monkeypatch):
    built: list[str] = []
    fields = widgets.ChamberSearchWidget._fields

    def counting(self, form, columns):
        built.append(self.filters.datamodel.obj.__name__)
        return fields(self, form, columns)

    monkeypatch.setattr(widgets.ChamberSearchWidget, "_fields", counting)
    for _ in range(3):
        admin.get("/companyview/list/")
        admin.get("/membershipview/list/")
    assert built == ["Company", "Membership"]
    admin.get("/lang/ar")
    admin.get("/companyview/list/")
    assert built[-1] == "Company" and len(built) == 3
    with app.app_context():
        db.session.scalar(select(Grade).where(Grade.code == "first")).name_ar = "الدرجة الأولى المعدلة"
        db.session.commit()
    html = admin.get("/companyview/list/").get_data(as_text=True)
    assert len(built) == 4 and json.dumps("الدرجة الأولى المعدلة")[1:-1] in _search_form(html)  # the select, as JSON
    # A search (filters in the address) still uses the kept form: its values travel as the active filters.
    admin.get("/companyview/list/?_flt_0_cr_status=active")
    assert len(built) == 4


def test_row_cells_are_escaped_and_formatted_as_the_template_did():
    rows = widgets.row_cells([{"a": "<b>x</b>", "b": 3}], ["a", "b"], {"b": lambda value: f"#{value}"})
    assert rows == ["<td>&lt;b&gt;x&lt;/b&gt;</td><td>#3</td>"]


@pytest.mark.parametrize("url, view_name", [
    ("/gradeview/list/", "GradeView"),  # show, edit and delete buttons, each delete with its script
    ("/companyview/list/?_oc_CompanyView=name_en&_od_CompanyView=asc", "CompanyView"),  # row select boxes
])
def test_list_rows_are_the_ones_flask_appbuilder_renders(app, admin, monkeypatch, url, view_name):
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == view_name)

    def rows() -> str:
        html = admin.get(url).get_data(as_text=True)
        table = re.search(r"<table class=\"table table-bordered table-hover\">.*?</table>", html, re.S).group(0)
        table = re.sub(r'nonce="[^"]*"', 'nonce=""', table)  # a fresh CSP nonce per page
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", table))

    ours = rows()
    if view_name == "CompanyView":  # ours names the select boxes for screen readers
        assert ours.count(' aria-label="Select this row"') == ours.count("/companyview/show/") == 12
    ours = re.sub(r' aria-label="Select (this row|every row)"', "", ours)
    monkeypatch.setattr(view, "list_widget", widgets.ListWidget)
    assert ours == rows()
    assert ours.count("<tr>") >= 2


def test_a_search_is_counted_once_until_a_table_it_reads_changes(app, admin):
    from sqlalchemy import event

    from models import Company

    with app.test_request_context():
        view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "MembershipView")
        names = [str(f.name) for f in view._filters.get_search_filters()["company"]]
    url = f"/membershipview/list/?_flt_{names.index('Name contains')}_company=renamed&psize_MembershipView=1"
    with app.app_context():
        engine = db.engine
    counts: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if "count(" in statement.lower():
            counts.append(statement)

    def rename(count: int) -> None:
        with app.app_context():
            for company in db.session.scalars(select(Company).order_by(Company.id).limit(count)):
                company.name_en = "Renamed Trading"
            db.session.commit()

    rename(2)
    event.listen(engine, "before_cursor_execute", record)
    try:
        for page in (0, 1, 0):  # paging through a search's results counts it once
            html = admin.get(f"{url}&page_MembershipView={page}").get_data(as_text=True)
            assert re.search(r"Record Count:</strong>\s*2\b", html)
        assert len(counts) == 1
        rename(3)
        html = admin.get(url).get_data(as_text=True)  # the companies changed: counted again
        assert len(counts) == 2 and re.search(r"Record Count:</strong>\s*3\b", html)
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_value_repeated_down_a_column_is_formatted_once_per_page():
    calls = []

    def formatter(value):
        calls.append(value)
        return f"<{value}>"

    rows = widgets.row_cells([{"a": "x", "b": [1]}, {"a": "x", "b": [1]}, {"a": 1, "b": [1]}, {"a": True, "b": [1]}],
                             ["a", "b"], {"a": formatter, "b": formatter})
    assert rows[0] == rows[1] == "<td>&lt;x&gt;</td><td>&lt;[1]&gt;</td>"
    assert rows[2].startswith("<td>&lt;1&gt;") and rows[3].startswith("<td>&lt;True&gt;")  # 1 and True apart
    assert calls == ["x", [1], [1], 1, [1], True, [1]]  # lists cannot be kept: formatted each time


@pytest.mark.parametrize("url, view_name", [("/companyview/show/3", "CompanyView"),
                                            ("/membershipview/show/3", "MembershipView")])
def test_a_record_is_shown_as_flask_appbuilder_shows_it(app, admin, monkeypatch, url, view_name):
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == view_name)

    def fields() -> str:
        html = admin.get(url).get_data(as_text=True)
        table = re.search(r'<table class="table table-bordered">.*?</table>', html, re.S).group(0)
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", table))

    ours = fields()
    monkeypatch.setattr(view, "show_widget", widgets.ShowWidget)
    assert ours == fields()
    assert ours.count("<th") == len(view.show_columns)
