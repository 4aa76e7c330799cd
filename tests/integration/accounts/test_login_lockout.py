"""The API login shares the login form's per-account limit and its lockout: one door cannot be used to go around the other."""
from __future__ import annotations

import html

import pytest

from tests.conftest import csrf_for
from tests.integration.helpers import PASSWORD, login, make_user

API_LOGIN = "/api/v1/security/login"


def api_login(app, username: str, password: str, address: str):
    return app.test_client().post(API_LOGIN, json={"username": username, "password": password, "provider": "db"},
                                  environ_base={"REMOTE_ADDR": address})


def form_login(app, username: str, password: str, address: str):
    visitor = app.test_client()
    token = csrf_for(visitor, app)
    return visitor.post("/login/", data={"username": username, "password": password, "csrf_token": token},
                        environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def lockout(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_PER_ACCOUNT", "1000 per minute")
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_FAILURES", 4)
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_MINUTES", 15)


def test_the_per_account_limit_counts_the_form_and_the_api_together(app, client):
    make_user(app, "auditor1", "Auditor")
    statuses = []
    for i in range(3):
        statuses.append(form_login(app, "auditor1", f"guess {i}", f"198.51.100.{i + 1}").status_code)
        statuses.append(api_login(app, "AUDITOR1", f"guess {i}", f"203.0.113.{i + 1}").status_code)
    # Five attempts a minute per account (RATELIMIT_LOGIN_PER_ACCOUNT), whichever door they used.
    assert statuses == [302, 401, 302, 401, 302, 429]
    assert api_login(app, "auditor1", PASSWORD, "192.0.2.50").status_code == 429
    # Another account is not held up.
    make_user(app, "auditor2", "Auditor")
    assert api_login(app, "auditor2", PASSWORD, "203.0.113.9").status_code == 200


def test_failures_at_the_api_lock_the_web_login_even_with_the_right_password(app, client, lockout):
    make_user(app, "staff1", "Staff")
    assert [api_login(app, "staff1", f"guess {i}", f"203.0.113.{i + 1}").status_code for i in range(4)] == [401] * 4
    response = form_login(app, "staff1", PASSWORD, "192.0.2.10")
    assert response.status_code == 302 and "/login/" in response.location
    page = html.unescape(client.get("/login/").get_data(as_text=True))
    assert "Too many failed logins for this account. Try again in 15 minutes." not in page  # another browser
    locked = app.test_client()
    token = csrf_for(locked, app)
    locked.post("/login/", data={"username": "staff1", "password": PASSWORD, "csrf_token": token})
    assert "Too many failed logins for this account. Try again in 15 minutes." in html.unescape(
        locked.get("/login/").get_data(as_text=True))
    assert api_login(app, "staff1", PASSWORD, "192.0.2.11").status_code == 401
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_failures_at_the_form_lock_the_api_login(app, client, lockout):
    make_user(app, "auditor1", "Auditor")
    for i in range(4):
        form_login(app, "auditor1", f"guess {i}", f"198.51.100.{i + 1}")
    assert api_login(app, "auditor1", PASSWORD, "192.0.2.20").status_code == 401


def test_a_success_before_the_threshold_clears_the_count(app, client, lockout):
    make_user(app, "auditor1", "Auditor")
    for i in range(3):
        api_login(app, "auditor1", f"guess {i}", "203.0.113.1")
    assert api_login(app, "auditor1", PASSWORD, "203.0.113.1").status_code == 200
    for i in range(3):
        api_login(app, "auditor1", f"guess {i}", "203.0.113.1")
    assert login(client, "auditor1").status_code == 302
    with client.session_transaction() as session:
        assert session.get("_user_id")
