"""Back-office pages run the same few SQL statements whether the chamber has 30 companies or 300 (counted, not timed)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from bench.generate import generate
from models import Membership
from tests.conftest import reset_tables
from tests.integration.helpers import login, make_user, statements

MAX_QUERIES = 6
TODAY = dt.date(2026, 11, 24)


def _fill(app, n: int) -> None:
    """An emptied database holding n generated companies (with signatories, memberships, certificates)."""
    from app.services.setup.bootstrap import load_reference_data

    with app.app_context():
        db.session.remove()
        reset_tables(db.engine)
        load_reference_data()
        db.session.commit()
        generate(db.engine, n=n, seed=11, today=TODAY)
        db.session.remove()


def _filter_index(app, view_name: str, column: str, wanted: str) -> int:
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == view_name)
    with app.test_request_context():
        names = [type(f).__name__ if wanted.startswith("Filter") else str(f.name)
                 for f in view._filters.get_search_filters()[column]]
    return names.index(wanted)


def _pages(app) -> dict[str, str]:
    """One URL per page kind. Lists and searches show 5 rows a page, so that they fill their first
    page at both sizes (a page that is not full spares the count, which would hide a difference)."""
    with app.app_context():
        membership = db.session.scalars(select(Membership).order_by(Membership.id)).all()
        middle = membership[len(membership) // 2]
        digits = "".join(m.occi_number for m in membership)
        common_digit = max("0123456789", key=digits.count)
        db.session.remove()
    contains = _filter_index(app, "CompanyView", "name_en", "FilterContains")
    occi_contains = _filter_index(app, "MembershipView", "occi_number", "FilterContains")
    by_name = _filter_index(app, "MembershipView", "company", "Name contains")
    five = "psize_CompanyView=5&psize_MembershipView=5"
    return {
        "company list": f"/companyview/list/?{five}",
        "company search": f"/companyview/list/?_flt_{contains}_name_en=Al&{five}",
        "company show": f"/companyview/show/{middle.company_id}",
        "membership list": f"/membershipview/list/?{five}",
        "membership search": f"/membershipview/list/?_flt_{occi_contains}_occi_number={common_digit}&{five}",
        "membership by company name": f"/membershipview/list/?_flt_{by_name}_company=Al&{five}",
        "membership show": f"/membershipview/show/{middle.id}",
    }


def _statements(app, client, url: str) -> list[str]:
    response, seen = statements(app, client, url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, url
    assert "No records found" not in page, url
    return seen


def _count_pages(app, client, n: int, role: str) -> dict[str, int]:
    _fill(app, n)
    make_user(app, "counter", role)
    assert login(client, "counter").status_code == 302
    counts = {}
    for name, url in _pages(app).items():
        _statements(app, client, url)  # the first visit may warm caches; the second is what every visit costs
        counts[name] = len(_statements(app, client, url))
    client.get("/logout/")
    return counts


@pytest.mark.parametrize("role", ["Admin", "Staff"])
def test_pages_run_the_same_few_queries_for_30_and_300_companies(app, client, role):
    small = _count_pages(app, client, 30, role)
    large = _count_pages(app, client, 300, role)
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large


def test_the_oracle_counts_what_a_page_runs(app, client):
    """Proves the counter can fail: a stock FAB search form lists every company, one query more per extra select."""
    _fill(app, 30)
    make_user(app, "counter", "Admin")
    login(client, "counter")
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "MembershipView")
    statements = _statements(app, client, "/membershipview/list/")
    assert not any("FROM company" in s and "count" not in s.lower() and "JOIN" not in s for s in statements)
    original = view.datamodel.eager
    view.datamodel.eager = ()
    try:
        lazy = _statements(app, client, "/membershipview/list/")
    finally:
        view.datamodel.eager = original
    # Without the eager join, every row's company is a query of its own.
    assert len(lazy) >= len(statements) + 20
