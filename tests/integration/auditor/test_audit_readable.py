"""The audit log as a person reads it: logins as events, records by name, fields by label, in Arabic too."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from models import AuditEntry
from tests.integration.helpers import login, make_user

from .test_audit_trail import _edited_company

pytestmark = pytest.mark.db


def _entries(app, entity: str) -> list[tuple[str, str, str | None, dict | None]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.seq))
        found = [(e.action, e.actor, e.entity_id, e.after) for e in rows]
        db.session.remove()
        return found


def test_logins_failed_logins_and_logouts_are_events_of_their_own(app, client):
    user_id = make_user(app, "staff1", "Staff")
    assert login(client, "staff1", "not the password").status_code == 302
    assert login(client, "staff1").status_code == 302
    client.get("/logout/")
    events = [(action, actor, entity_id, after) for action, actor, entity_id, after in _entries(app, "ab_user")
              if action != "create"]
    assert events == [
        ("failed_login", "staff1", str(user_id), {"failed_attempts": 1}),
        ("login", "staff1", str(user_id), {"method": "password"}),
        ("logout", "staff1", str(user_id), None),
    ]


def test_the_audit_list_names_records_and_actions_in_arabic(app, client):
    _edited_company(app)
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    client.get("/lang/ar")
    page = client.get("/auditlogview/list/").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    company_rows = [row for row in rows if "الشركة" in row]
    assert len(company_rows) == 2, rows
    for row in company_rows:
        assert "المشاريع الواعدة ش.م.م (1229237)" in row
        assert "<td><bdi dir=\"ltr\">1</bdi></td>" not in row  # the company's id is not shown
    assert any("تعديل سجل" in row for row in company_rows) and any("إنشاء سجل" in row for row in company_rows)
    assert ">update<" not in page and ">company<" not in page


def test_an_entry_shows_field_labels_and_labelled_values(app, client):
    pk = _edited_company(app)
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    html = client.get(f"/auditlogview/show/{pk}").get_data(as_text=True)
    status = re.search(r'data-field="cr_status">(.*?)</tr>', html, re.S).group(1)
    assert "<th scope=\"row\">CR status</th>" in status
    assert ">Active<" in status and ">Suspended<" in status
    assert "promising projects (1229237)" in html
