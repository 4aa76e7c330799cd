"""A member's profile: reached from "Profile", a new password, a new email and mobile proved by a code, the language."""
from __future__ import annotations

import html

from sqlalchemy import select

from app.extensions import db
from models import Member
from tests.conftest import csrf_from
from tests.integration.accounts.conftest import (
    SEED_MEMBER,
    SEED_MOBILE,
    latest_email_code,
    latest_sms_code,
    post_form,
    register_and_verify,
)
from tests.integration.accounts.peers import mails_to
from tests.integration.helpers import login

PASSWORD = SEED_MEMBER["password"]
EMAIL = SEED_MEMBER["email"]


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def member_row(app) -> Member:
    with app.app_context():
        member = db.session.scalar(select(Member))
        user = member.user
        db.session.expunge_all()
        db.session.remove()
        member.user = user
        return member


def test_profile_in_the_menu_opens_the_members_own_page(app, client, outbox):
    register_and_verify(client, outbox)
    response = client.get("/users/userinfo/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/")
    shown = page(client.get("/profile/"))
    assert "Forbidden" not in shown
    for text in ("My profile", EMAIL, SEED_MOBILE, "Change password", "Change email address",
                 "Change mobile number", "Language", "At least 12 characters"):
        assert text in shown, text


def test_a_new_password_needs_the_current_one_and_the_policy_and_is_announced(app, client, outbox):
    register_and_verify(client, outbox)
    form = {"current_password": "not my password at all", "password": "new harbour lights of muttrah",
            "confirm_password": "new harbour lights of muttrah"}
    token_page = client.get("/profile/")
    token = csrf_from(token_page.get_data(as_text=True))
    refused = client.post("/profile/password", data={**form, "csrf_token": token})
    assert refused.status_code == 422 and "The current password is not right." in page(refused)
    weak = client.post("/profile/password", data={"current_password": PASSWORD, "password": "short",
                                                  "confirm_password": "short", "csrf_token": token})
    assert weak.status_code == 422 and "Use a password of at least 12 characters." in page(weak)
    done = client.post("/profile/password", data={**form, "current_password": PASSWORD, "csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/profile/")
    assert "Your password was changed" in page(client.get("/profile/"))  # still logged in, on a new session
    assert [m["Subject"] for m in mails_to(outbox, EMAIL)][-1] == "Your password was changed"
    client.get("/logout/")
    assert "/login/" in login(client, EMAIL, PASSWORD).headers["Location"]  # the old one no longer works
    assert login(client, EMAIL, form["password"]).headers["Location"].endswith("/portal/")


def test_a_new_email_counts_only_once_its_code_is_typed(app, client, outbox, clock):
    register_and_verify(client, outbox)
    clock(minutes=5)  # past the wait between two codes
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    same = client.post("/profile/email", data={"email": EMAIL.upper(), "csrf_token": token})
    assert same.status_code == 422 and "This is already the address on your account." in page(same)
    response = client.post("/profile/email", data={"email": "Sabra@Example.om ", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/email/confirm")
    assert member_row(app).user.email == EMAIL  # nothing changed yet
    assert "sabra@example.om" in page(client.get("/profile/"))  # shown as waiting
    wrong = post_form(client, "/profile/email/confirm", {"code": "zzzzzz"})
    assert wrong.status_code == 422 and "The code is not right." in page(wrong)
    code = latest_email_code(outbox, "sabra@example.om")
    done = post_form(client, "/profile/email/confirm", {"code": code})
    assert done.status_code == 302
    member = member_row(app)
    assert (member.user.email, member.user.username) == ("sabra@example.om", "sabra@example.om")
    client.get("/logout/")
    assert login(client, "sabra@example.om", PASSWORD).headers["Location"].endswith("/portal/")


def test_a_new_mobile_counts_only_once_its_code_is_typed(app, client, outbox, clock):
    register_and_verify(client, outbox)
    clock(minutes=5)
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    bad = client.post("/profile/mobile", data={"mobile": "1234", "csrf_token": token})
    assert bad.status_code == 422
    response = client.post("/profile/mobile", data={"mobile": "92345678", "csrf_token": token})
    assert response.status_code == 302
    assert member_row(app).mobile == SEED_MOBILE
    done = post_form(client, "/profile/mobile/confirm", {"code": latest_sms_code(outbox, "+96892345678")})
    assert done.status_code == 302
    assert member_row(app).mobile == "+96892345678"


def test_the_language_of_messages_and_pages_is_chosen_on_the_profile(app, client, outbox):
    register_and_verify(client, outbox)
    assert member_row(app).language == "en"
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    assert client.post("/profile/language", data={"language": "fr", "csrf_token": token}).status_code == 422
    assert client.post("/profile/language", data={"language": "ar", "csrf_token": token}).status_code == 302
    assert member_row(app).language == "ar"
    shown = page(client.get("/profile/"))
    assert 'lang="ar" dir="rtl"' in shown and "تغيير كلمة المرور" in shown


def test_the_profile_pages_are_for_members_only(app, client):
    assert client.get("/profile/").status_code == 302  # to the login page
