"""Forgot password: a single-use link by email that expires, and an email announcing the change."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from app.extensions import db
from models import Notification
from tests.conftest import csrf_for
from tests.integration.accounts.conftest import SEED_MEMBER, post_form, register_and_verify
from tests.integration.accounts.peers import mails_to
from tests.integration.helpers import login

EMAIL = SEED_MEMBER["email"]
OLD = SEED_MEMBER["password"]
NEW = "frankincense from dhofar"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/reset-password/[A-Za-z0-9_-]+)")


def ask_for_link(client, email: str = EMAIL, **kwargs):
    return post_form(client, "/forgot-password/", {"email": email}, **kwargs)


def reset_path(outbox) -> str:
    mail = mails_to(outbox, EMAIL)[-1]
    assert mail["Subject"] == "Reset your password"
    return LINK.search(mail.get_body(("plain",)).get_content()).group(1)


def choose(client, path: str, password: str = NEW, confirm: str | None = None):
    return post_form(client, path, {"password": password, "confirm_password": confirm or password})


def test_the_whole_reset(app, client, outbox, clock):
    register_and_verify(client, outbox)
    client.get("/logout/")
    response = ask_for_link(client, " IAMSA@ChamberOman.com ")
    assert response.status_code == 302
    assert "a link to choose a new password is on its way" in html.unescape(
        client.get("/forgot-password/").get_data(as_text=True))
    path = reset_path(outbox)
    mail = mails_to(outbox, EMAIL)[-1]
    assert "within 60 minutes" in mail.get_body(("plain",)).get_content()
    assert f'href="http://127.0.0.1:5000{path}"' in mail.get_body(("html",)).get_content()

    page = client.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    response = choose(client, path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/")

    assert "/login/" in login(client, EMAIL, OLD).headers["Location"]
    assert login(client, EMAIL, NEW).headers["Location"].endswith("/portal/")
    notice = mails_to(outbox, EMAIL)[-1]
    assert notice["Subject"] == "Your password was changed"
    assert "every open session was logged out" in notice.get_body(("plain",)).get_content()
    with app.app_context():
        reset_note = db.session.scalar(select(Notification).where(Notification.template == "password_reset"))
        assert reset_note.sensitive and path not in reset_note.body
        db.session.remove()


def test_a_reset_link_works_once(app, client, outbox, clock):
    register_and_verify(client, outbox)
    ask_for_link(client)
    path = reset_path(outbox)
    choose(client, path)
    response = client.get(path)
    assert response.status_code == 404
    assert "has already been used" in html.unescape(response.get_data(as_text=True))
    replay = client.post(path, data={"password": "another long password", "confirm_password": "another long password",
                                     "csrf_token": csrf_for(client, app)})
    assert replay.status_code == 404
    assert "/login/" in login(client, EMAIL, "another long password").headers["Location"]
    assert login(client, EMAIL, NEW).status_code == 302


def test_a_reset_link_expires_after_an_hour(app, client, outbox, clock):
    register_and_verify(client, outbox)
    client.get("/logout/")
    ask_for_link(client)
    path = reset_path(outbox)
    clock(minutes=60)
    assert client.get(path).status_code == 404
    assert login(client, EMAIL, OLD).headers["Location"].endswith("/portal/")


def test_a_newer_link_replaces_the_older(app, client, outbox, clock):
    register_and_verify(client, outbox)
    ask_for_link(client)
    first = reset_path(outbox)
    clock(minutes=2)
    ask_for_link(client)
    second = reset_path(outbox)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, outbox, clock):
    response = ask_for_link(client, "nobody@chamberoman.com")
    assert response.status_code == 302
    page = html.unescape(client.get("/forgot-password/").get_data(as_text=True))
    assert "If nobody@chamberoman.com belongs to an account" in page
    assert not list(outbox.iterdir())


def test_the_new_password_follows_the_policy_and_a_refusal_keeps_the_link(app, client, outbox, clock):
    register_and_verify(client, outbox)
    ask_for_link(client)
    path = reset_path(outbox)
    for password, confirm, message in (("password1234", None, "common or breached"),
                                       ("short", None, "at least 12 characters"),
                                       (NEW, NEW + "!", "The two passwords are not the same.")):
        response = choose(client, path, password, confirm)
        assert response.status_code == 200 and message in html.unescape(response.get_data(as_text=True))
    assert choose(client, path).status_code == 302


def test_a_reset_ends_every_open_session(app, client, outbox, clock):
    register_and_verify(client, outbox)
    assert client.get("/portal/").status_code == 200
    other_device = app.test_client()
    ask_for_link(other_device)
    choose(other_device, reset_path(outbox))
    assert client.get("/portal/").status_code == 302


def test_the_link_points_at_the_configured_site_whatever_host_the_request_named(app, client, outbox, clock):
    register_and_verify(client, outbox)
    client.get("/logout/")
    before = len(mails_to(outbox, EMAIL))
    # A host that is not ours is refused before any view runs.
    assert client.get("/forgot-password/", base_url="http://evil.example").status_code == 400
    assert len(mails_to(outbox, EMAIL)) == before
    # A host of ours other than PUBLIC_BASE_URL's (TRUSTED_HOSTS) still gets links to PUBLIC_BASE_URL.
    app.config["TRUSTED_HOSTS_EXTRA"] = ["localhost", "www.alias.example"]
    try:
        ask_for_link(client, base_url="http://www.alias.example")
    finally:
        app.config["TRUSTED_HOSTS_EXTRA"] = ["localhost"]
    body = mails_to(outbox, EMAIL)[-1].get_body(("plain",)).get_content()
    assert "alias.example" not in body and LINK.search(body)


def test_repeated_requests_are_limited_without_telling(app, client, outbox, clock):
    register_and_verify(client, outbox)
    client.get("/logout/")
    ask_for_link(client)
    ask_for_link(client)  # within the minute: the same answer, and no second mail
    resets = [m for m in mails_to(outbox, EMAIL) if m["Subject"] == "Reset your password"]
    assert len(resets) == 1


def test_asking_for_one_account_from_many_addresses_is_rate_limited(app, client, outbox, clock):
    statuses = []
    for i in range(6):
        visitor = app.test_client()
        statuses.append(ask_for_link(visitor, environ_base={"REMOTE_ADDR": f"203.0.113.{i + 1}"}).status_code)
    assert statuses == [302] * 5 + [429]
