"""Archive instead of delete, running a job from the back office, "Send reminder now", and a company's page."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.counter.visits import CounterRequest, NotASignatory, check_civil_id
from app.services.membership.access import member_company
from models import AuditEntry, Company, JobRun, Member, Notification, Signatory
from tests.integration.counter.fixtures import (
    back_office, company_with_certificate, member_for, post, set_today,
)


def test_staff_archive_a_company_instead_of_deleting_it(app):
    set_today(app)
    ids = company_with_certificate(app)
    staff = back_office(app, "staff1", "Staff")
    assert "1229237" in staff.get("/companyview/list/").get_data(as_text=True)
    # No delete for anyone in the back office: the route refuses and the company stays.
    response = post(app, staff, f"/companyview/delete/{ids['company']}")
    assert response.status_code in (302, 403, 404, 405)
    admin = back_office(app, "admin1", "Admin")
    post(app, admin, f"/companyview/delete/{ids['company']}")
    with app.app_context():
        assert db.session.get(Company, ids["company"]) is not None
    response = post(app, staff, "/companyview/action_post", {"action": "archive", "rowid": str(ids["company"])})
    assert response.status_code == 302
    with app.app_context():
        company = db.session.get(Company, ids["company"])
        assert company.archived_at is not None and company.signatories and company.memberships
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "company", AuditEntry.action == "update")) == 1
    listed = staff.get("/companyview/list/").get_data(as_text=True)
    assert "1229237" not in listed and "Show archived records too" in listed
    assert "1229237" in staff.get("/companyview/list/?archived=1").get_data(as_text=True)
    # Its page and history stay reachable.
    assert "1229237" in staff.get(f"/companyview/history/{ids['company']}").get_data(as_text=True)
    post(app, staff, "/companyview/action_post", {"action": "restore", "rowid": str(ids["company"])})
    assert "1229237" in staff.get("/companyview/list/").get_data(as_text=True)


def test_signatories_archived_and_hidden(app):
    set_today(app)
    ids = company_with_certificate(app)
    staff = back_office(app, "staff1", "Staff")
    with app.app_context():
        signatory_id = db.session.scalar(select(Signatory.id))
    post(app, staff, "/signatoryview/action_post", {"action": "archive", "rowid": str(signatory_id)})
    assert "1526575" not in staff.get("/signatoryview/list/").get_data(as_text=True)
    assert "1526575" in staff.get("/signatoryview/list/?archived=1").get_data(as_text=True)
    # An archived signatory no longer acts for the company: not online, not at the counter.
    member_id = member_for(app)
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert member_company(db.session, member, "1229237") is None
        company = db.session.get(Company, ids["company"])
        with pytest.raises(NotASignatory):
            check_civil_id(company, CounterRequest(service="renewal", civil_id="1526575", id_card_checked=True))
        db.session.remove()
    post(app, staff, "/signatoryview/action_post", {"action": "restore", "rowid": str(signatory_id)})
    with app.app_context():
        assert member_company(db.session, db.session.get(Member, member_id), "1229237") is not None
        db.session.remove()


def test_admin_runs_a_job_from_the_back_office_and_sees_its_result(app):
    set_today(app)
    staff = back_office(app, "staff1", "Staff")
    assert staff.get("/scheduled-jobs/").status_code in (302, 403)
    assert post(app, staff, "/scheduled-jobs/run/outbox").status_code in (302, 403)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0
    admin = back_office(app, "admin1", "Admin")
    admin.get("/lang/ar")
    page = admin.get("/scheduled-jobs/").get_data(as_text=True)
    assert "المهام المجدولة" in page and "reconcile_payments" in page
    response = post(app, admin, "/scheduled-jobs/run/outbox", language="en")
    assert response.status_code == 302 and "/jobrunview/show/" in response.headers["Location"]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "done" in page
    with app.app_context():
        run = db.session.scalar(select(JobRun))
        assert run.job == "outbox" and run.trigger == "back_office" and run.status == "ok"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "run_job"))
        assert entry.actor == "admin1"
    assert post(app, admin, "/scheduled-jobs/run/no_such_job").status_code == 404


def test_send_reminder_now(app):
    set_today(app)
    ids = company_with_certificate(app)
    staff = back_office(app, "staff1", "Staff")
    page = post(app, staff, f"/membershipview/remind/{ids['membership']}", follow_redirects=True)
    assert "nobody to remind" in page.get_data(as_text=True)
    member_for(app)
    page = post(app, staff, f"/membershipview/remind/{ids['membership']}", follow_redirects=True)
    assert "Reminder messages queued: 2." in page.get_data(as_text=True)
    with app.app_context():
        rows = list(db.session.scalars(select(Notification).order_by(Notification.id)))
        assert {n.channel for n in rows} == {"email", "sms"}
        assert all(n.template == "membership_expiring" and n.language == "ar" for n in rows)
    # Pressed again: sent again.
    post(app, staff, f"/membershipview/remind/{ids['membership']}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 4


def test_a_company_page_and_a_member_page_show_everything_on_file(app):
    set_today(app)
    ids = company_with_certificate(app)
    member_id = member_for(app)
    staff = back_office(app, "staff1", "Staff")
    post(app, staff, f"/membershipview/remind/{ids['membership']}")
    page = staff.get(f"/companyview/history/{ids['company']}").get_data(as_text=True)
    for expected in ("1128046", ids["serial"], f"/certificateview/show/{ids['certificate']}",
                     f"/membershipview/show/{ids['membership']}", "/notificationview/show/", "/auditlogview/show/"):
        assert expected in page, expected
    staff.get("/lang/ar")
    page = staff.get(f"/memberview/history/{member_id}").get_data(as_text=True)
    assert "كل ما في الملف" in page and f"/companyview/history/{ids['company']}" in page
    assert staff.get("/companyview/history/999999").status_code == 404
    member = back_office(app, "member9", "Member")
    assert member.get(f"/companyview/history/{ids['company']}").status_code in (302, 403)
