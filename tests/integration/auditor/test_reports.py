"""Reports on a small chamber whose figures are known (see seed.py)."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from app.extensions import db
from app.services.exports import reports
from tests.integration.auditor.seed import PERIOD, TODAY, seed_chamber
from tests.integration.helpers import login, make_user

NOV_TO_JAN = reports.Period(dt.date(2024, 11, 1), dt.date(2025, 1, 31))


def test_revenue_counts_paid_requests_by_muscat_month_and_service(app):
    seed_chamber(app)
    with app.app_context():
        months = reports.revenue_by_month(db.session, NOV_TO_JAN)
        assert [(m.month, m.service, m.orders, m.total) for m in months] == [
            ("2024-11", "renewal", 1, 25_000),
            ("2025-01", "renewal", 1, 100_000),  # paid 2024-12-31 21:00 UTC: 1 January in Muscat
            ("2025-01", "replacement", 1, 5_000),
        ]
        assert reports.revenue_by_service(db.session, NOV_TO_JAN) == {"renewal": (2, 125_000),
                                                                      "replacement": (1, 5_000)}
        december = reports.Period(dt.date(2024, 12, 1), dt.date(2024, 12, 31))
        assert reports.revenue_by_month(db.session, december) == []


def test_renewals_by_grade_list_every_grade(app):
    seed_chamber(app)
    with app.app_context():
        rows = reports.renewals_by_grade(db.session, NOV_TO_JAN)
    assert [(r.grade, r.renewals, r.total) for r in rows] == [
        ("excellent", 0, 0), ("first", 1, 100_000), ("second", 0, 0), ("third", 0, 0), ("fourth", 1, 25_000)]


def test_expiring_memberships_within_30_60_and_90_days(app):
    seed_chamber(app)
    with app.app_context():
        rows = {r.grade: r.within for r in reports.expiring_memberships(db.session, TODAY)}
    assert rows["fourth"] == {30: 1, 60: 1, 90: 2}
    assert rows["first"] == {30: 0, 60: 1, 90: 1}
    assert rows["second"] == {30: 0, 60: 0, 90: 0}  # already in grace
    assert rows["excellent"] == {30: 0, 60: 0, 90: 0}  # expires in June


def test_payment_outcomes_in_the_period(app):
    seed_chamber(app)
    with app.app_context():
        rows = reports.payment_outcomes(db.session, NOV_TO_JAN)
    assert [(r.status, r.payments, r.amount) for r in rows] == [
        ("accepted", 3, 130_000), ("declined", 1, 5_000), ("pending", 1, 30_000)]


def test_a_backwards_period_is_refused():
    with pytest.raises(reports.InvalidPeriod):
        reports.Period(dt.date(2025, 2, 1), dt.date(2025, 1, 1))


def _chart(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="report-chart-data">(.*?)</script>',
                                html, re.S).group(1))


@pytest.fixture
def reader(app, client):
    seed_chamber(app)
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    return client


def test_the_revenue_page_has_the_table_and_the_chart(reader):
    html = reader.get(f"/reports/revenue?from={PERIOD[0]}&to={PERIOD[1]}").get_data(as_text=True)
    assert "<td>November 2024</td>" in html and "<td>January 2025</td>" in html
    assert "130.000 OMR" in html and "125.000 OMR" in html
    chart = _chart(html)
    assert chart["money"] and chart["labels"] == ["November 2024", "January 2025"]
    assert {d["label"]: d["data"] for d in chart["datasets"]} == {"Renewal": [25_000, 100_000],
                                                                  "Replacement certificate": [0, 5_000]}
    assert "vendor/chartjs/chart.umd.js" in html and "auditor/reports.css" in html


def test_every_report_page_answers_and_prints(reader):
    for name in ("renewals", "expiring", "payments"):
        html = reader.get(f"/reports/{name}?from={PERIOD[0]}&to={PERIOD[1]}").get_data(as_text=True)
        assert 'id="report-print"' in html and _chart(html)["labels"], name
    html = reader.get("/reports/expiring").get_data(as_text=True)
    assert "_flt_1_expires_on=2025-01-14" in html and "_flt_2_expires_on=2025-02-15" in html
    assert reader.get("/reports/").status_code == 200


def test_the_expiring_link_opens_exactly_the_counted_memberships(reader):
    html = reader.get("/reports/expiring").get_data(as_text=True)
    link = re.findall(r'href="(/membershipview/list/\?[^"]+)"', html)[-1].replace("&amp;", "&")
    listing = reader.get(link).get_data(as_text=True)
    assert "91868" in listing and "91869" in listing and "91870" in listing
    assert "91871" not in listing and "91872" not in listing


def test_a_bad_period_says_so_and_shows_the_default(reader):
    html = reader.get("/reports/payments?from=2025-02-01&to=2025-01-01").get_data(as_text=True)
    assert "The period must start on or before its last day" in html
    assert 'value="2025-01-15"' in html  # the default period ends today


def test_arabic_readers_get_arabic_names_and_amounts(app, reader):
    reader.get("/lang/ar")
    html = reader.get(f"/reports/renewals?from={PERIOD[0]}&to={PERIOD[1]}").get_data(as_text=True)
    assert "الرابعة" in html and "25.000 ر.ع." in html


@pytest.mark.parametrize("role, allowed", [("Staff", True), ("Member", False)])
def test_who_may_read_reports(app, client, role, allowed):
    make_user(app, "someone", role)
    login(client, "someone")
    response = client.get("/reports/revenue")
    assert (response.status_code == 200) is allowed
