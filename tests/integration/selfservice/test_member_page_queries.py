"""The member's pages and the public ones run a few SQL statements, however many companies the member signs
for (counted, not timed): no query per company, membership or grade, and none per menu item for visitors."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.audit.trail import acting_as
from models import Certificate, Company, Grade, Membership, ServiceOrder, Signatory
from tests.conftest import csrf_from
from tests.integration.helpers import statements

from .test_dashboard_and_certificates import renew

LIMITS = {"/login/": 2, "/register/": 2, "/": 2, "verify": 3, "/portal/": 8, "/services/renewal/": 8, "receipt": 8}


def _count(app, client, url: str) -> int:
    response, seen = statements(app, client, url)
    assert response.status_code == 200, url
    return len(seen)


def _counts(app, member, token: str, receipt: str) -> dict[str, int]:
    visitor = app.test_client()
    counts = {}
    for key, client, url in (("/login/", visitor, "/login/"), ("/register/", visitor, "/register/"),
                             ("/", visitor, "/"), ("verify", visitor, f"/verify/{token}"),
                             ("/portal/", member, "/portal/"), ("/services/renewal/", member, "/services/renewal/"),
                             ("receipt", member, f"/services/receipt/{receipt}")):
        client.get(url)  # the first visit may fill a cache; the second is what every visit costs
        counts[key] = _count(app, client, url)
    return counts


def _more_companies(app, n: int) -> None:
    """n more companies the member signs for, each with a membership."""
    with app.app_context(), acting_as("test"):
        fourth = db.session.scalar(select(Grade).where(Grade.code == "fourth"))
        for i in range(n):
            company = Company(cr_number=f"77{i:05d}", name_en=f"Extra {i}", name_ar=f"إضافية {i}",
                              registry_name_en=f"Extra {i}", registry_name_ar=f"إضافية {i}", cr_status="active")
            company.signatories.append(Signatory(civil_id="7324674", name_en="Hashmi"))
            db.session.add(company)
            db.session.add(Membership(occi_number=f"9{i:05d}", company=company, grade=fourth,
                                      joined_on=dt.date(2017, 1, 1), expires_on=dt.date(2019, 1, 1)))
        db.session.commit()
        db.session.remove()


def test_member_and_public_pages_run_a_few_statements_whatever_the_member_holds(app, hashmi):
    renew(hashmi, app)
    with app.app_context():
        token = db.session.scalar(select(Certificate.verify_token))
        receipt = db.session.scalar(select(ServiceOrder.reference).where(ServiceOrder.status == "fulfilled"))
    few = _counts(app, hashmi, token, receipt)
    assert all(few[page] <= limit for page, limit in LIMITS.items()), few
    _more_companies(app, 12)
    assert "Extra 11" in hashmi.get("/portal/").get_data(as_text=True)
    many = _counts(app, hashmi, token, receipt)
    assert many == few


@pytest.mark.parametrize("minutes,reads", [(10, 1), (0, 3)])
def test_the_registry_is_read_for_the_company_list_at_most_every_few_minutes(app, hashmi, monkeypatch,
                                                                             minutes, reads):
    from app.services.membership import access

    calls = []
    original = access.refresh_member_companies
    monkeypatch.setattr("views.selfservice.wizard.refresh_member_companies",
                        lambda *args: calls.append(1) or original(*args))
    app.config["REGISTRY_REFRESH_MINUTES"] = minutes
    for _ in range(3):
        page = hashmi.get("/services/renewal/").get_data(as_text=True)
    assert len(calls) == reads and "Checked with the commercial registry" in page
    # "Check again" reads it at once.
    hashmi.post("/services/renewal/", data={"check_again": "1", "csrf_token": csrf_from(page)})
    assert hashmi.get("/services/renewal/").status_code == 200 and len(calls) == reads + 1
