"""A page far down a long back-office list is read keys first, from the nearer end, and shows what FAB's would."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, select

from app.extensions import db
from bench.generate import generate
from models import Company
from tests.integration.helpers import login, make_user
from views.admin import scale
from views.admin.paging import window

TODAY = dt.date(2026, 11, 24)
SHOWN = re.compile(r"/(companyview|membershipview)/show/(\d+)")


@pytest.mark.parametrize("total, offset, expected", [
    (100, 0, (False, 0, 25)),
    (100, 25, (False, 25, 25)),
    (100, 50, (True, 25, 25)),  # rows 50-74 are rows 25-49 counted from the end
    (100, 90, (True, 0, 10)),   # the last page holds ten rows
    (101, 50, (True, 26, 25)),
    (10, 0, (False, 0, 10)),
])
def test_a_page_is_read_from_the_nearer_end(total, offset, expected):
    assert window(total, offset, 25) == expected


def _shown(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    ids = [int(found.group(2)) for found in SHOWN.finditer(response.get_data(as_text=True))]
    return list(dict.fromkeys(ids))  # each row links its show page more than once


@pytest.fixture()
def admin_client(app, client):
    with app.app_context():
        generate(db.engine, n=37, seed=5, today=TODAY)
        # Names with ties and a missing CR expiry: the order must stay exact read backwards.
        for company in db.session.scalars(select(Company).where(Company.id.in_([3, 9, 17, 30]))):
            company.name_en = "Same Name Trading"
            company.cr_expires_on = None
        db.session.commit()
        db.session.remove()
    make_user(app, "admin1", "Admin")
    assert login(client, "admin1").status_code == 302
    return client


@pytest.mark.parametrize("listing", [
    "/companyview/list/?",
    "/companyview/list/?_oc_CompanyView=name_en&_od_CompanyView=asc&",
    "/companyview/list/?_oc_CompanyView=name_en&_od_CompanyView=desc&",
    "/companyview/list/?_oc_CompanyView=cr_expires_on&_od_CompanyView=asc&",
    "/companyview/list/?_oc_CompanyView=cr_expires_on&_od_CompanyView=desc&",
    "/companyview/list/?archived=1&",
    "/membershipview/list/?_oc_MembershipView=expires_on&_od_MembershipView=desc&",
])
def test_every_deep_page_shows_the_rows_of_the_page_read_from_the_start(app, admin_client, monkeypatch, listing):
    view = "MembershipView" if "membership" in listing else "CompanyView"
    everything = _shown(admin_client, f"{listing}psize_{view}=100")
    assert len(everything) == 37
    for page in range(0, 6):
        url = f"{listing}psize_{view}=7&page_{view}={page}"
        monkeypatch.setattr(scale, "DEEP_PAGE_ROWS", 10**9)
        from_the_start = _shown(admin_client, url)
        monkeypatch.setattr(scale, "DEEP_PAGE_ROWS", 1)
        assert _shown(admin_client, url) == from_the_start == everything[page * 7:page * 7 + 7], (url, page)
    monkeypatch.setattr(scale, "DEEP_PAGE_ROWS", 1)
    assert _shown(admin_client, f"{listing}psize_{view}=7&page_{view}=9") == []  # past the end


def test_a_deep_page_of_a_search_counts_the_rows_found(app, admin_client, monkeypatch):
    monkeypatch.setattr(scale, "DEEP_PAGE_ROWS", 1)
    with app.test_request_context():
        view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "CompanyView")
        names = [str(f.name) for f in view._filters.get_search_filters()["name_en"]]
    contains = names.index("Contains")
    html = admin_client.get(f"/companyview/list/?_flt_{contains}_name_en=Same+Name&psize_CompanyView=3"
                            f"&page_CompanyView=1&_oc_CompanyView=id&_od_CompanyView=asc").get_data(as_text=True)
    assert re.search(r"Record Count:</strong>\s*4\b", html)
    assert [int(m.group(2)) for m in SHOWN.finditer(html)][:1] == [30]


def test_a_deep_page_runs_three_statements_whatever_its_depth(app, admin_client, monkeypatch):
    monkeypatch.setattr(scale, "DEEP_PAGE_ROWS", 1)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if " company" in statement and "ab_" not in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for page in (1, 3, 5):
            statements.clear()
            admin_client.get(f"/companyview/list/?psize_CompanyView=7&page_CompanyView={page}")
            # The count, the page's keys (no join), the page's rows by key (with their relations).
            assert len(statements) == 3, statements
            assert "count(" in statements[0].lower()
            assert "JOIN" not in statements[1] and "LIMIT" in statements[1]
            assert "IN (" in statements[2] and "JOIN" in statements[2]
    finally:
        event.remove(engine, "before_cursor_execute", record)
