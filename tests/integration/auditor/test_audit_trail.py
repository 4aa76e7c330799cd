"""The audit trail in the back office: changes side by side, and the chain check run by an auditor."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.audit.trail import acting_as
from models import AuditEntry, Company
from tests.conftest import csrf_from
from tests.integration.helpers import login, make_user
from tests.integration.test_audit import _tamper
from views.auditor.audit import side_by_side


def _edited_company(app) -> int:
    """Creates a company then renames it; returns the seq of the update entry."""
    with app.app_context(), acting_as("staff1"):
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          cr_status="active")
        db.session.add(company)
        db.session.commit()
        company.name_ar = "المشاريع الواعدة ش.م.م"
        company.cr_status = "suspended"
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        return entry.id


def _verifications(app) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "verify")).all()
        db.session.expunge_all()
        return entries


def test_side_by_side_marks_edits_only():
    rows = side_by_side({"name": "a", "rank": 1}, {"name": "b", "rank": 1, "code": "x"})
    assert [(r.field, r.before, r.after, r.changed) for r in rows] == [
        ("code", None, "x", True), ("name", "a", "b", True), ("rank", "1", "1", False)]
    created = side_by_side(None, {"name": "غرفة", "tags": ["a"]})
    assert [(r.before, r.after, r.changed) for r in created] == [(None, "غرفة", False), (None, '["a"]', False)]


def test_an_entry_shows_before_and_after_side_by_side(app, client):
    pk = _edited_company(app)
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    html = client.get(f"/auditlogview/show/{pk}").get_data(as_text=True)
    row = re.search(r'<tr class="warning" data-field="name_ar">(.*?)</tr>', html, re.S).group(1)
    before, after = re.findall(r'<td class="(?:before|after)">(.*?)</td>', row, re.S)
    assert "المشاريع الواعدة" in before and "ش.م.م" not in before
    assert "المشاريع الواعدة ش.م.م" in after
    status = re.search(r'data-field="cr_status">(.*?)</tr>', html, re.S).group(1)
    assert "active" in status and "suspended" in status


def test_an_auditor_verifies_the_chain_and_the_check_is_logged(app, client):
    _edited_company(app)
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    page = client.get("/auditlogview/list/").get_data(as_text=True)
    assert "/audit-trail/verify" in page
    response = client.post("/audit-trail/verify", data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert response.status_code == 200
    assert re.search(r"Audit log intact: \d+ entries checked", response.get_data(as_text=True))
    (entry,) = _verifications(app)
    assert entry.actor == "auditor1" and entry.after["ok"] is True and entry.after["checked"] == entry.seq - 1


def test_a_tampered_chain_is_reported_with_the_first_bad_entry(app, client):
    pk = _edited_company(app)
    with app.app_context():
        seq = db.session.get(AuditEntry, pk).seq
        _tamper(f"UPDATE audit_log SET actor = 'nobody' WHERE seq = {seq}")
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    page = client.get("/auditlogview/list/").get_data(as_text=True)
    html = client.post("/audit-trail/verify", data={"csrf_token": csrf_from(page)},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Audit log broken at entry {seq}" in html and "altered after it was written" in html
    (entry,) = _verifications(app)
    assert entry.after == {"ok": False, "checked": seq - 1, "first_bad_seq": seq, "problem": "altered"}


def test_verification_needs_the_csrf_token_and_a_post(app, client):
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    assert client.get("/audit-trail/verify").status_code == 405
    assert client.post("/audit-trail/verify", data={}).status_code == 400
    assert _verifications(app) == []


@pytest.mark.parametrize("role", ["Staff", "Member"])
def test_only_auditors_and_admins_verify(app, client, role):
    make_user(app, "someone", role)
    login(client, "someone")
    page = client.get("/auditlogview/list/").get_data(as_text=True)
    assert "/audit-trail/verify" not in page
    from tests.conftest import csrf_for

    response = client.post("/audit-trail/verify", data={"csrf_token": csrf_for(client, app)})
    assert response.status_code in (302, 403)
    assert _verifications(app) == []
