"""Staff see registry flags in the back office and mark them handled; auditors only read them."""
import datetime as dt

from sqlalchemy import select

from app.extensions import db
from models import AuditEntry, RegistryFlag
from tests.conftest import csrf_from
from tests.integration.helpers import login, make_user
from tests.integration.jobs.factories import make_company


def _flag(app):
    with app.app_context():
        company = make_company("1310022", "Batinah Trading", "الباطنة للتجارة")
        flag = RegistryFlag(company_id=company.id, kind="cr_cancelled", detected_at=dt.datetime(2026, 3, 1),
                            detail="The commercial registry now lists this CR as cancelled.")
        db.session.add(flag)
        db.session.commit()
        return flag.id


def test_staff_mark_a_flag_handled(app, client):
    flag_id = _flag(app)
    make_user(app, "staffer", "Staff")
    login(client, "staffer")
    page = client.get("/registryflagview/list/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "CR cancelled at the registry" in html and "Batinah Trading" in html
    answer = client.post("/registryflagview/action_post",
                         data={"action": "mark_handled", "rowid": str(flag_id), "csrf_token": csrf_from(html)})
    assert answer.status_code == 302
    with app.app_context():
        flag = db.session.get(RegistryFlag, flag_id)
        assert flag.resolved_by == "staffer" and flag.resolved_at is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "registry_flag",
                                                           AuditEntry.action == "update"))
        assert entry.actor == "staffer" and entry.after["resolved_by"] == "staffer"


def test_auditors_read_flags_but_cannot_handle_them(app, client):
    flag_id = _flag(app)
    make_user(app, "reader", "Auditor")
    login(client, "reader")
    page = client.get(f"/registryflagview/show/{flag_id}")
    assert page.status_code == 200
    html = client.get("/registryflagview/list/").get_data(as_text=True)
    client.post("/registryflagview/action_post",
                data={"action": "mark_handled", "rowid": str(flag_id), "csrf_token": csrf_from(html)})
    with app.app_context():
        assert db.session.get(RegistryFlag, flag_id).resolved_at is None
