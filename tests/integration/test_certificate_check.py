"""The public certificate check: valid, expired, superseded, unknown; by QR link or by serial."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.certificates.issue import issue_certificate
from models import Company, Governorate, Grade, Membership, Signatory

ISSUED = dt.date(2018, 3, 19)


def _membership(app) -> int:
    with app.app_context():
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          cr_status="active",
                          governorate=db.session.scalar(select(Governorate).where(Governorate.code == "muscat")))
        company.signatories.append(Signatory(civil_id="1526575", name_en="Salim", active=True))
        membership = Membership(occi_number="1128046", company=company, joined_on=ISSUED,
                                expires_on=dt.date(2019, 3, 19),
                                grade=db.session.scalar(select(Grade).where(Grade.code == "fourth")))
        db.session.add(membership)
        db.session.commit()
        return membership.id


def _issue(app, membership_id: int, on: dt.date):
    with app.test_request_context():
        membership = db.session.get(Membership, membership_id)
        certificate = issue_certificate(db.session, membership, today=on)
        db.session.commit()
        return certificate.serial, certificate.verify_token


def test_valid_by_link_and_by_serial_in_both_languages(app, client):
    app.config["CLOCK_TODAY"] = dt.date(2018, 6, 1)
    serial, token = _issue(app, _membership(app), ISSUED)
    assert token != serial and len(token) >= 40
    page = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "This certificate is valid." in page
    for printed in ("promising projects", "المشاريع الواعدة", "1229237", "1128046", "Fourth", "2019-03-19"):
        assert printed in page
    assert "1526575" not in page and token not in page.replace(f"/verify/{token}", "")
    client.get("/lang/ar")
    page = client.get(f"/verify/?serial={serial.lower()}").get_data(as_text=True)
    assert "هذه الشهادة سارية." in page


def test_expired_superseded_and_unknown(app, client):
    membership_id = _membership(app)
    old_serial, old_token = _issue(app, membership_id, ISSUED)
    app.config["CLOCK_TODAY"] = dt.date(2019, 4, 1)
    assert "This certificate has expired." in client.get(f"/verify/{old_token}").get_data(as_text=True)
    with app.app_context():
        membership = db.session.get(Membership, membership_id)
        membership.expires_on = dt.date(2020, 3, 19)
        db.session.commit()
    new_serial, _ = _issue(app, membership_id, dt.date(2019, 4, 1))
    page = client.get(f"/verify/{old_token}").get_data(as_text=True)
    assert "replaced by a newer certificate" in page and new_serial in page
    response = client.get("/verify/not-a-real-token")
    assert response.status_code == 404
    assert "No certificate" in response.get_data(as_text=True)


def test_a_certificate_cannot_expire_before_it_is_issued(app):
    from app.domain.errors import CertificateExpiryBeforeIssue

    membership_id = _membership(app)
    with app.test_request_context(), pytest.raises(CertificateExpiryBeforeIssue):
        issue_certificate(db.session, db.session.get(Membership, membership_id), today=dt.date(2019, 9, 19))


def test_staff_and_auditors_download_any_certificate_members_none(app, client):
    from pypdf import PdfReader
    import io

    from tests.integration.helpers import login, make_user

    serial, _ = _issue(app, _membership(app), ISSUED)
    for username, role, allowed in (("staff1", "Staff", True), ("auditor1", "Auditor", True),
                                    ("member1", "Member", False)):
        make_user(app, username, role)
        web = app.test_client()
        login(web, username)
        response = web.get(f"/certificateview/pdf/{serial}")
        if allowed:
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
            assert "1229237" in text and "promising projects" in text
        else:
            assert response.status_code in (302, 403)
