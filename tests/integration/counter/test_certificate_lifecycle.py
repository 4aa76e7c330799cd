"""Certificates revoked with a reason and reissued; changes to a membership or company carried to its certificate
in the same commit; an admin's change of expiry or grade only with a reason; the public check never says valid."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from models import AuditEntry, Company, Grade, Membership
from tests.integration.counter.fixtures import (
    back_office, certificates, company_with_certificate, post, set_today,
)


def test_staff_revoke_with_a_reason_and_the_public_page_says_revoked(app, client):
    set_today(app)
    ids = company_with_certificate(app)
    assert "This certificate is valid." in client.get(f"/verify/{ids['token']}").get_data(as_text=True)
    staff = back_office(app, "staff1", "Staff")
    # "Other" without a text is refused and changes nothing.
    page = post(app, staff, f"/certificateview/revoke/{ids['certificate']}", {"reason": "other", "note": ""},
                follow_redirects=True).get_data(as_text=True)
    assert "describe the reason" in page
    assert certificates(app, ids["membership"])[0].revoked_at is None
    response = post(app, staff, f"/certificateview/revoke/{ids['certificate']}", {"reason": "fraud"})
    assert response.status_code == 302
    revoked = certificates(app, ids["membership"])[0]
    assert revoked.revoke_reason == "fraud" and revoked.revoked_by == "staff1"
    page = client.get(f"/verify/{ids['token']}").get_data(as_text=True)
    assert "was revoked on" in page and "2026-11-24" in page and "is valid" not in page
    client.get("/lang/ar")
    page = client.get(f"/verify/?serial={ids['serial']}").get_data(as_text=True)
    assert "أُلغيت هذه الشهادة" in page and "سارية" not in page
    # A second revocation is refused with a message.
    page = post(app, staff, f"/certificateview/revoke/{ids['certificate']}", {"reason": "fraud"},
                follow_redirects=True).get_data(as_text=True)
    assert "already revoked" in page
    # Reissue: a new current certificate for the membership.
    response = post(app, staff, f"/certificateview/reissue/{ids['certificate']}")
    assert response.status_code == 302
    rows = certificates(app, ids["membership"])
    assert len(rows) == 2 and rows[1].revoked_at is None and rows[1].superseded_by_id is None
    client.get("/lang/en")
    assert "This certificate is valid." in client.get(f"/verify/{rows[1].verify_token}").get_data(as_text=True)


def test_auditors_cannot_revoke(app):
    set_today(app)
    ids = company_with_certificate(app)
    auditor = back_office(app, "auditor1", "Auditor")
    response = post(app, auditor, f"/certificateview/revoke/{ids['certificate']}", {"reason": "fraud"})
    assert response.status_code in (302, 403)
    assert certificates(app, ids["membership"])[0].revoked_at is None


def _edit(app, client, membership_id, **changes):
    with app.app_context():
        m = db.session.get(Membership, membership_id)
        data = {"occi_number": m.occi_number, "company": str(m.company_id), "grade": str(m.grade_id),
                "joined_on": m.joined_on.isoformat(), "expires_on": m.expires_on.isoformat(), "change_reason": ""}
        db.session.remove()
    data.update(changes)
    return post(app, client, f"/membershipview/edit/{membership_id}", data, follow_redirects=True)


def test_an_admin_extends_a_membership_with_a_reason_and_the_certificate_follows(app, client):
    set_today(app)
    ids = company_with_certificate(app)
    staff = back_office(app, "staff1", "Staff")
    page = _edit(app, staff, ids["membership"], expires_on="2028-03-19", change_reason="paid at the counter")
    assert "Only an administrator" in page.get_data(as_text=True)
    admin = back_office(app, "admin1", "Admin")
    page = _edit(app, admin, ids["membership"], expires_on="2028-03-19")
    assert "Give the reason" in page.get_data(as_text=True)
    assert len(certificates(app, ids["membership"])) == 1
    _edit(app, admin, ids["membership"], expires_on="2028-03-19", change_reason="Board decision 12/2026")
    old, new = certificates(app, ids["membership"])
    assert old.superseded_by_id == new.id and new.expires_on == dt.date(2028, 3, 19)
    assert new.snapshot["expires_on"] == "2028-03-19"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "membership",
                                                           AuditEntry.action == "update"))
        assert entry.reason == "Board decision 12/2026"
        assert entry.before["expires_on"] == "2027-03-19" and entry.after["expires_on"] == "2028-03-19"
        from app.services.audit.trail import verify_chain

        assert verify_chain(db.session).ok
    page = client.get(f"/verify/{ids['token']}").get_data(as_text=True)
    assert "replaced by a newer certificate" in page and new.serial in page and "is valid" not in page


def test_a_backdated_membership_revokes_its_certificate(app, client):
    set_today(app)
    ids = company_with_certificate(app)
    admin = back_office(app, "admin1", "Admin")
    _edit(app, admin, ids["membership"], expires_on="2026-01-31", change_reason="Entered wrongly in 2025")
    [only] = certificates(app, ids["membership"])
    assert only.revoke_reason == "membership_changed"
    page = client.get(f"/verify/{ids['token']}").get_data(as_text=True)
    assert "was revoked on" in page and "is valid" not in page


def test_a_grade_change_and_a_company_name_change_issue_new_certificates(app):
    set_today(app)
    ids = company_with_certificate(app)
    admin = back_office(app, "admin1", "Admin")
    with app.app_context():
        third = db.session.scalar(select(Grade.id).where(Grade.code == "third"))
    _edit(app, admin, ids["membership"], grade=str(third), change_reason="Registry grade confirmed")
    rows = certificates(app, ids["membership"])
    assert len(rows) == 2 and rows[1].snapshot["grade_en"] != rows[0].snapshot["grade_en"]
    # The company's names, changed by any path, in the same commit.
    with app.test_request_context():
        company = db.session.get(Company, ids["company"])
        company.name_en = "Promising Projects LLC"
        db.session.commit()
    rows = certificates(app, ids["membership"])
    assert len(rows) == 3 and rows[2].snapshot["company_name_en"] == "Promising Projects LLC"
    assert rows[1].superseded_by_id == rows[2].id
    # A change that prints nothing new leaves the certificate alone.
    with app.test_request_context():
        company = db.session.get(Company, ids["company"])
        company.address = "Seeb"
        db.session.commit()
    assert len(certificates(app, ids["membership"])) == 3
