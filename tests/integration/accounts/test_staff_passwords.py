"""Passwords set in FAB's own screens follow the policy, and their owner is told by email."""
from __future__ import annotations

import html

from werkzeug.security import check_password_hash

from app.extensions import db
from models import LoginSession
from tests.conftest import csrf_from
from tests.integration.accounts.peers import mails_to
from tests.integration.helpers import PASSWORD, login, make_user

NEW = "violet kettle under granite"


def _post_password(client, url: str, password: str, confirm: str | None = None):
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, data={"password": password, "conf_password": confirm or password,
                                  "csrf_token": csrf_from(page.get_data(as_text=True))})


def _hash(app, user_id: int) -> str:
    with app.app_context():
        user = app.appbuilder.sm.get_user_by_id(user_id)
        value = user.password
        db.session.remove()
        return value


def test_an_administrator_cannot_set_a_weak_password_and_a_good_one_is_announced(app, client, outbox):
    make_user(app, "admin1", "Admin")
    staff_id = make_user(app, "staff1", "Staff")
    staff_browser = app.test_client()
    login(staff_browser, "staff1")
    login(client, "admin1")
    url = f"/resetpassword/form?pk={staff_id}"
    for weak, reason in (("short", "at least 12 characters"), ("123456789012", "run of neighbouring keys"),
                         ("staff1@example.om", "cannot be your email address")):
        refused = _post_password(client, url, weak)
        assert refused.status_code == 200 and reason in html.unescape(refused.get_data(as_text=True))
    assert check_password_hash(_hash(app, staff_id), PASSWORD)
    assert mails_to(outbox, "staff1@example.om") == []

    done = _post_password(client, url, NEW)
    assert done.status_code == 302
    assert check_password_hash(_hash(app, staff_id), NEW)
    (notice,) = mails_to(outbox, "staff1@example.om")
    assert notice["Subject"] == "Your password was changed"
    # Set by someone else: the owner's open sessions end.
    assert staff_browser.get("/portal/").status_code in (302, 401, 403)
    with app.app_context():
        assert db.session.query(LoginSession).filter_by(user_id=staff_id, ended_at=None).count() == 0


def test_a_user_changing_their_own_password_follows_the_policy_and_is_told(app, client, outbox):
    staff_id = make_user(app, "staff1", "Staff")
    login(client, "staff1")
    refused = _post_password(client, "/resetmypassword/form", "password1234")
    assert "common or breached passwords" in html.unescape(refused.get_data(as_text=True))
    assert "this application does not check this for you" not in refused.get_data(as_text=True)
    assert "At least 12 characters" in refused.get_data(as_text=True)
    assert _post_password(client, "/resetmypassword/form", NEW).status_code == 302
    assert check_password_hash(_hash(app, staff_id), NEW)
    assert [m["Subject"] for m in mails_to(outbox, "staff1@example.om")] == ["Your password was changed"]


def test_a_new_user_added_in_the_back_office_needs_a_good_password(app, client):
    make_user(app, "admin1", "Admin")
    login(client, "admin1")
    page = client.get("/users/add")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("Staff").id
        db.session.remove()
    form = {"first_name": "New", "last_name": "Staff", "username": "newstaff", "email": "new@example.om",
            "active": "y", "roles": str(role_id), "password": "qwertyuiopas", "conf_password": "qwertyuiopas",
            "csrf_token": token}
    refused = client.post("/users/add", data=form)
    assert "run of neighbouring keys" in html.unescape(refused.get_data(as_text=True))
    with app.app_context():
        assert app.appbuilder.sm.find_user(username="newstaff") is None
        db.session.remove()
    client.post("/users/add", data={**form, "password": NEW, "conf_password": NEW})
    with app.app_context():
        assert app.appbuilder.sm.find_user(username="newstaff") is not None
