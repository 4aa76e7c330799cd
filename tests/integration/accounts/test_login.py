"""Logging in (seed section 2): email and password, one message for every failure, fresh sessions, real logout."""
from __future__ import annotations

import html

from sqlalchemy import select

from app.extensions import db
from models import LoginSession
from tests.conftest import csrf_for
from tests.integration.accounts.conftest import SEED_MEMBER, register_and_verify
from tests.integration.helpers import login, make_user

EMAIL = SEED_MEMBER["email"]
PASSWORD = SEED_MEMBER["password"]
INVALID = "Invalid login. Please try again."


def flashed(client) -> str:
    return html.unescape(client.get("/login/").get_data(as_text=True))


def test_a_verified_member_logs_in_with_email_and_lands_on_the_dashboard(app, client, outbox, clock):
    register_and_verify(client, outbox)
    client.get("/logout/")
    response = login(client, " IAMSA@chamberoman.COM ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")
    page = client.get("/portal/").get_data(as_text=True)
    assert "Welcome, <bdi>shmoouqa mohamed AL-hashmi</bdi>" in page
    for title, url in (("New membership registration", "/services/new-membership/"),
                       ("Membership renewal", "/services/renewal/"),
                       ("Extract your certificate", "/services/replacement/"),
                       ("Change name", "/services/name-change/"), ("Change grade", "/services/grade-change/")):
        assert title in page and f'href="{url}"' in page
    assert "E-services dashboard" in page


def test_unknown_email_and_wrong_password_get_the_same_answer(app, client, outbox, clock):
    register_and_verify(client, outbox)
    client.get("/logout/")
    wrong_password = login(client, EMAIL, "sohar harbour at dusk")
    first = flashed(client)
    unknown = login(client, "nobody@chamberoman.com", PASSWORD)
    second = flashed(client)
    assert wrong_password.status_code == unknown.status_code == 302
    assert wrong_password.headers["Location"] == unknown.headers["Location"]
    assert INVALID in first and INVALID in second
    assert client.get("/portal/").status_code == 302


def test_staff_log_in_with_their_user_name(app, client):
    make_user(app, "staff1", "Staff")
    response = login(client, "staff1")
    assert response.status_code == 302
    assert client.get("/companyview/list/").status_code == 200


def test_login_starts_a_new_session_and_keeps_only_the_language(app, client):
    make_user(app, "staff1", "Staff")
    client.get("/login/")
    with client.session_transaction() as session:
        session["locale"] = "en"
        session["planted_by_attacker"] = "x"
        before_csrf = session.get("csrf_token")
    assert before_csrf
    login(client, "staff1")
    with client.session_transaction() as session:
        assert "planted_by_attacker" not in session
        assert session.get("locale") == "en"
        assert session.get("csrf_token") != before_csrf
        first_token = session["_ghurfa_session"]
    client.get("/logout/")
    login(client, "staff1")
    with client.session_transaction() as session:
        assert session["_ghurfa_session"] != first_token


def test_a_cookie_copied_before_logout_no_longer_works(app, client):
    make_user(app, "staff1", "Staff")
    login(client, "staff1")
    assert client.get("/companyview/list/").status_code == 200
    stolen = client.get_cookie("session").value
    client.get("/logout/")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/companyview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    with app.app_context():
        rows = db.session.scalars(select(LoginSession)).all()
        assert len(rows) == 1 and rows[0].ended_at is not None
        db.session.remove()


def test_a_copied_cookie_works_until_logout_which_proves_the_replay_test_can_fail(app, client):
    make_user(app, "staff1", "Staff")
    login(client, "staff1")
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/companyview/list/").status_code == 200


def test_an_old_session_ends_after_its_lifetime(app, client):
    import datetime as dt

    make_user(app, "staff1", "Staff")
    login(client, "staff1")
    with app.app_context():
        row = db.session.scalar(select(LoginSession))
        row.started_at -= dt.timedelta(hours=app.config["LOGIN_SESSION_HOURS"])
        db.session.commit()
        db.session.remove()
    assert client.get("/companyview/list/").status_code == 302


def test_session_cookies_are_http_only_and_same_site_lax(app, client):
    make_user(app, "staff1", "Staff")
    response = login(client, "staff1")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain HTTP in tests; production turns it on
    from config import Config

    assert Config.SESSION_COOKIE_HTTPONLY and Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_the_session_cookie_is_secure_when_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    make_user(app, "staff1", "Staff")
    response = login(client, "staff1")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie


def test_a_login_flood_from_one_address_is_stopped(app, client):
    token = csrf_for(client, app)
    statuses = [client.post("/login/", data={"username": f"user{i}@example.om", "password": "guess " * 3,
                                              "csrf_token": token}).status_code for i in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    response = client.post("/login/", data={"username": "x@example.om", "password": "y", "csrf_token": token})
    assert response.status_code == 429 and "Too many attempts" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    # Another address is not affected.
    other = app.test_client()
    assert other.get("/login/").status_code == 200


def test_guessing_one_account_from_many_addresses_is_stopped(app, client):
    make_user(app, "staff1", "Staff")
    statuses = []
    for i in range(6):
        attacker = app.test_client()
        address = {"REMOTE_ADDR": f"198.51.100.{i + 1}"}
        token = csrf_for(attacker, app)
        statuses.append(attacker.post("/login/", data={"username": "STAFF1", "password": f"guess number {i}",
                                                       "csrf_token": token}, environ_base=address).status_code)
    assert statuses == [302] * 5 + [429]
    # The account's owner, from yet another address, is held up too for the minute: the limit is per account.
    assert login(client, "staff1").status_code == 429
