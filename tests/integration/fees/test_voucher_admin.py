"""Vouchers in the back office: amounts in rials, limits, status and remaining uses, redemptions on the page."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.audit.trail import acting_as
from models import Company, Grade, ServiceOrder, Voucher, VoucherRedemption
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def admin(app, client):
    app.config["CLOCK_TODAY"] = TODAY
    make_user(app, "admin1", "Admin")
    login(client, "admin1")
    return client


def post(app, client, url, data, language="en"):
    client.get(f"/lang/{language}")
    return client.post(url, data={**data, "csrf_token": csrf_for(client, app)}, follow_redirects=True)


def voucher(app, code) -> Voucher:
    with app.app_context():
        found = db.session.scalar(select(Voucher).where(Voucher.code == code))
        db.session.expunge_all()
        db.session.remove()
        return found


def test_a_fixed_voucher_is_typed_and_listed_in_rials_with_its_limits(app, admin):
    response = post(app, admin, "/voucherview/add", {
        "code": "WELCOME", "kind": "fixed", "value": "5", "valid_from": "2026-11-01", "valid_to": "2026-12-31",
        "services": "new_membership", "grades": ["fourth", "third"], "once_per_company": "y"})
    assert response.status_code == 200
    saved = voucher(app, "WELCOME")
    assert saved.value == 5_000 and saved.services == ["new_membership"]
    assert sorted(saved.grades) == ["fourth", "third"] and saved.once_per_company is True
    post(app, admin, "/voucherview/add", {"code": "OCCI10", "kind": "percent", "value": "10",
                                          "valid_from": "2026-12-01", "valid_to": "2026-12-31"})
    assert voucher(app, "OCCI10").value == 10 and voucher(app, "OCCI10").services is None
    listing = admin.get("/voucherview/list/").get_data(as_text=True)
    assert "5.000 OMR" in listing and "10%" in listing and "None" not in listing
    assert "No limit" in listing and "Scheduled" in listing and "Active" in listing
    assert "Once per company" in listing
    edit = admin.get(f"/voucherview/edit/{saved.id}").get_data(as_text=True)
    assert 'value="5.000"' in edit  # shown back in rials


def test_a_fixed_amount_with_baisa_fractions_is_refused(app, admin):
    page = post(app, admin, "/voucherview/add", {"code": "ODD", "kind": "fixed", "value": "2.0005",
                                                 "valid_from": "2026-11-01", "valid_to": "2026-12-31"})
    assert "at most three decimals" in page.get_data(as_text=True)
    assert voucher(app, "ODD") is None


def test_status_remaining_uses_and_redemptions(app, admin):
    with app.app_context(), acting_as("test"):
        fourth = db.session.scalar(select(Grade).where(Grade.code == "fourth"))
        used_up = Voucher(code="GONE", kind="percent", value=10, valid_from=dt.date(2026, 1, 1),
                          valid_to=dt.date(2026, 12, 31), use_limit=2, times_used=1, times_reserved=1)
        expired = Voucher(code="OLD", kind="percent", value=10, valid_from=dt.date(2025, 1, 1),
                          valid_to=dt.date(2025, 12, 31), use_limit=5, times_used=1)
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          cr_status="active", registry_grade=fourth)
        user_id = app.appbuilder.sm.find_user(username="admin1").id
        db.session.add_all([used_up, expired, company])
        db.session.flush()
        order = ServiceOrder(reference="NEW-2026-000001", service="new_membership", status="fulfilled",
                             user_id=user_id, company_id=company.id, voucher_id=used_up.id, quoted_on=TODAY,
                             total=0, details={})
        db.session.add(order)
        db.session.flush()
        db.session.add(VoucherRedemption(voucher_id=used_up.id, order_id=order.id, company_id=company.id,
                                         status="used", discount=25_000))
        db.session.commit()
        pk = used_up.id
        db.session.remove()
    listing = admin.get("/voucherview/list/").get_data(as_text=True)
    assert "Used up" in listing and "Expired" in listing
    page = admin.get(f"/voucherview/show/{pk}").get_data(as_text=True)
    assert "NEW-2026-000001" in page and "promising projects" in page and "25.000 OMR" in page
