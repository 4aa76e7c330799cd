"""New membership: a CR the registry lists under the member, registration and first-year fees, a new OCCI number."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.extensions import db
from models import Certificate, Company, Membership, Notification, Payment, ServiceOrder

from .helpers import counts, confirm, deliver, flat, pay_on_sandbox, post_form, prove_identity, text

BASE = "/services/new-membership"


def start(client, app, cr_number="1229237", civil_id="1526575"):
    response = post_form(client, f"{BASE}/", {"cr_number": cr_number})
    assert response.status_code == 302 and response.headers["Location"].endswith("/details"), text(response)
    prove_identity(client, app, f"{BASE}/details", civil_id)


def test_the_member_chooses_among_the_crs_the_registry_lists_under_their_id(app, salim):
    page = text(salim.get(f"{BASE}/"))
    listed = re.findall(r'<option value="(\d+)"', page)
    assert listed == ["1056789", "1229237", "1378901", "1445820"]


def test_registering_promising_projects_pays_and_issues_a_new_occi_number(app, salim):
    start(salim, app)
    details = text(salim.get(f"{BASE}/details"))
    for shown in ("promising projects", "المشاريع الواعدة", "Ruwi, Muttrah, Muscat Governorate, 423, 30",
                  "1229237", "1526575", ">Register<"):
        assert shown in details
    response = post_form(salim, f"{BASE}/details", {"voucher_code": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check")
    check = flat(text(salim.get(f"{BASE}/check")))
    assert re.search(r"Registration fee RO 10 First-year fee RO 25 Voucher discount RO 0 Total RO 35", check), check
    assert "2019-03-18" in check

    deliver(salim, pay_on_sandbox(salim, text(confirm(salim, BASE))))
    with app.app_context():
        company = db.session.scalar(select(Company).where(Company.cr_number == "1229237"))
        [membership] = company.memberships
        assert membership.grade.code == "fourth" and membership.joined_on == dt.date(2018, 3, 18)
        assert membership.expires_on == dt.date(2019, 3, 18)
        assert int(membership.occi_number) > 104410  # after every number in use
        order = db.session.scalar(select(ServiceOrder))
        assert order.status == "fulfilled" and order.membership_id == membership.id and order.total == 35_000
        certificate = db.session.scalar(select(Certificate))
        assert certificate.snapshot["occi_number"] == membership.occi_number
        assert certificate.snapshot["company_name_ar"] == "المشاريع الواعدة"
        assert certificate.snapshot["head_office_en"] == "Muscat Governorate"
        occi = membership.occi_number
        db.session.remove()
    receipt = text(salim.get(f"/services/receipt/{order.reference}"))
    assert f"OCCI No <bdi dir=\"ltr\">{occi}</bdi>" in receipt and "/services/certificates/" in receipt


def test_a_free_membership_is_granted_at_once_without_payment(app, salim):
    start(salim, app)
    response = post_form(salim, f"{BASE}/details", {"voucher_code": "welcome"})
    assert response.status_code == 302
    assert "Total RO 0" in flat(text(salim.get(f"{BASE}/check")))
    response = confirm(salim, BASE)
    assert response.status_code == 303 and "/services/receipt/NEW-2018-" in response.headers["Location"]
    with app.app_context():
        order = db.session.scalar(select(ServiceOrder))
        assert order.status == "fulfilled" and order.total == 0 and order.paid_at is not None
        assert db.session.query(Payment).count() == 0
        assert db.session.query(Membership).count() == 4
        assert db.session.query(Certificate).count() == 1
        assert db.session.query(Notification).count() == 2
        db.session.remove()


def test_a_company_with_a_current_membership_is_refused(app, salim):
    start(salim, app, "1445820")
    before = counts(app)
    details = text(salim.get(f"{BASE}/details"))
    assert "Al Hashmi Trading already has a current membership (OCCI No 91868)." in details
    assert 'id="details-next"' not in details
    refused = salim.get(f"{BASE}/check")
    assert refused.status_code == 422 and "already has a current membership" in text(refused)
    refused = salim.post(f"{BASE}/check", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', details).group(1)})
    assert refused.status_code == 422
    assert counts(app) == before


def test_a_cancelled_cr_is_refused(app, salim):
    start(salim, app, "1056789")
    assert "is not active at the Ministry of Commerce" in text(salim.get(f"{BASE}/details"))
