"""Registering a portal account (seed section 1): the form, its refusals, and what is saved."""
from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import Member, Notification, VerificationCode
from tests.integration.accounts.conftest import (
    SEED_MEMBER,
    SEED_MOBILE,
    enter_code,
    latest_sms_code,
    post_form,
    register,
    register_and_verify,
)
from tests.integration.accounts.peers import mails_to, sms_to


def counts(app) -> tuple[int, int]:
    with app.app_context():
        user_model = app.appbuilder.sm.user_model
        result = (db.session.scalar(select(func.count()).select_from(user_model)),
                  db.session.scalar(select(func.count()).select_from(Member)))
        db.session.remove()
        return result


def test_the_seed_registration_goes_through_email_then_sms(app, client, outbox, clock):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/verify-email")

    with app.app_context():
        member = db.session.scalar(select(Member))
        user = member.user
        assert (user.username, user.email) == ("iamsa@chamberoman.com", "iamsa@chamberoman.com")
        assert [role.name for role in user.roles] == ["Member"]
        assert user.password.startswith("scrypt:") and "sohar" not in user.password
        assert (member.first_name, member.middle_name, member.family_name) == ("shmoouqa", "mohamed", "AL-hashmi")
        assert (member.mobile, member.country, member.id_type, member.id_number) == (
            SEED_MOBILE, "OM", "civil_id", "7324674")
        assert member.email_verified_at is None and member.mobile_verified_at is None
        # Only the keyed hash of the code is kept; the delivered message was blanked.
        codes = db.session.scalars(select(VerificationCode)).all()
        assert [c.purpose for c in codes] == ["email"] and len(codes[0].code_hash) == 64
        note = db.session.scalar(select(Notification))
        assert (note.channel, note.status, note.sensitive) == ("email", "sent", True)
        assert note.body == "[removed after delivery]"
        db.session.remove()

    mail = mails_to(outbox, "iamsa@chamberoman.com")[-1]
    assert mail["Subject"] == "Your email verification code"
    text = mail.get_body(("plain",)).get_content()
    assert "Dear shmoouqa," in text and "within 10 minutes" in text
    code = text.split("Your email verification code : ", 1)[1][:6]
    assert code.isalpha() and len(code) == 6
    assert f">{code}</strong>" in mail.get_body(("html",)).get_content()
    with app.app_context():
        assert db.session.scalar(select(VerificationCode.code_hash)) != code
        db.session.remove()

    page = client.get("/register/verify-email").get_data(as_text=True)
    assert "iamsa@chamberoman.com" in page and "Resend" in page and "Verify" in page
    response = enter_code(client, "email", code)
    assert response.headers["Location"].endswith("/register/verify-mobile")
    sms = sms_to(outbox, SEED_MOBILE)
    assert len(sms) == 1
    assert sms[0].startswith("Your mobile verification code : ") and sms[0][-6:].isdigit()
    assert "From: ChamberOman" in next(outbox.glob("*.sms.txt")).read_text(encoding="utf-8")

    response = enter_code(client, "mobile", latest_sms_code(outbox, SEED_MOBILE))
    assert response.headers["Location"].endswith("/portal/")
    dashboard = client.get("/portal/")
    assert dashboard.status_code == 200
    assert "Welcome, <bdi>shmoouqa mohamed AL-hashmi</bdi>" in dashboard.get_data(as_text=True)
    with app.app_context():
        member = db.session.scalar(select(Member))
        assert member.email_verified_at == member.mobile_verified_at == clock().replace(tzinfo=None)
        db.session.remove()


def test_an_empty_form_says_this_field_is_required_and_saves_nothing(app, client, outbox):
    blank = {key: "" for key in SEED_MEMBER}
    response = register(client, **blank)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("This field is required") >= 7
    assert counts(app) == (0, 0)
    assert not list(outbox.iterdir())


@pytest.mark.parametrize("changes, message", [
    ({"email": "iamsa@chamberoman"}, "Enter an email address like name@example.om."),
    ({"email": "not an email"}, "Enter an email address like name@example.om."),
    ({"mobile": "12345678"}, "Enter an Omani mobile number of 8 digits starting with 7 or 9."),
    ({"mobile": "+447911123456"}, "Enter an Omani mobile number of 8 digits starting with 7 or 9."),
    ({"country": "GB", "mobile": "07911123456"}, "international number starting with + and the country code"),
    ({"id_number": "12AB"}, "A civil ID number has 5 to 10 digits."),
    ({"id_type": "resident_card", "id_number": "123"}, "A resident card number has 5 to 10 digits."),
    ({"id_type": "passport", "id_number": "P12"}, "A passport number has 6 to 12 Latin letters and digits."),
    ({"id_type": "driving_licence"}, "Not a valid choice"),
    ({"country": "XX"}, "Not a valid choice"),
    ({"cr_number": "12"}, "A CR number has 4 to 10 digits."),
    ({"password": "short pass", "confirm_password": "short pass"}, "at least 12 characters"),
    ({"password": "password1234", "confirm_password": "password1234"}, "list of common or breached passwords"),
    ({"password": "123456789012", "confirm_password": "123456789012"}, "run of neighbouring keys"),
    ({"password": "IAMSA@chamberoman.com", "confirm_password": "IAMSA@chamberoman.com"},
     "cannot be your email address"),
    ({"confirm_password": "sohar harbour at dusk"}, "The two passwords are not the same."),
    ({"first_name": "x" * 65}, "Use at most 64 characters."),
    ({"email": "a" * 250 + "@example.om"}, "Use at most 254 characters."),
    ({"mobile": "9" * 21}, "Use at most 20 characters."),
    ({"id_number": "7" * 21}, "Use at most 20 characters."),
    ({"password": "p" * 129 + "q", "confirm_password": "p" * 129 + "q"}, "Use at most 128 characters."),
    ({"first_name": "Salim\r\nBcc: x@example.om"}, "Use letters, spaces and punctuation only."),
])
def test_each_bad_field_gets_a_clear_message_keeps_the_typing_and_saves_nothing(app, client, outbox, changes,
                                                                                  message):
    response = register(client, **changes)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert counts(app) == (0, 0)
    assert not list(outbox.iterdir())
    # What was typed stays in the form, except the passwords.
    for field in ("first_name", "family_name", "email", "mobile", "id_number"):
        typed = changes.get(field, SEED_MEMBER[field]).strip()
        if len(typed) <= 64 and "\n" not in typed:
            assert f'value="{typed}"' in page, field
    assert "sohar harbour at dawn" not in page and 'name="password" required type="password" value=""' in page


def test_a_second_registration_with_the_same_email_is_refused_in_any_case(app, client, outbox):
    register(client)
    client.get("/logout/")
    response = register(client, email=" IAMSA@ChamberOman.com ", id_number="1526575", mobile="92345678")
    assert response.status_code == 200
    assert "An account with this email address already exists." in html.unescape(response.get_data(as_text=True))
    assert counts(app) == (1, 1)


def test_a_second_registration_with_the_same_id_number_is_refused(app, client, outbox):
    register(client)
    client.get("/logout/")
    response = register(client, email="someone.else@example.om")
    assert "An account with this ID number already exists." in html.unescape(response.get_data(as_text=True))
    assert counts(app) == (1, 1)
    assert mails_to(outbox, "someone.else@example.om") == []


def test_the_same_number_under_another_id_type_is_another_identity(app, client, outbox):
    register(client)
    client.get("/logout/")
    response = register(client, email="resident@example.om", id_type="resident_card")
    assert response.status_code == 302
    assert counts(app) == (2, 2)


def test_a_registration_never_verified_stops_blocking_the_email_after_a_day(app, client, outbox):
    register(client)
    client.get("/logout/")
    app.config["CLOCK_NOW"] = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=23)
    assert "already exists" in register(client).get_data(as_text=True)
    # The member row's created_at is on the wall clock; the cut-off is 24 hours after it.
    app.config["CLOCK_NOW"] = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=25)
    response = register(client, first_name="Real owner")
    assert response.status_code == 302
    with app.app_context():
        assert [m.first_name for m in db.session.scalars(select(Member))] == ["Real owner"]
        db.session.remove()


def test_an_international_number_for_a_member_of_another_country(app, client, outbox):
    register_and_verify(client, outbox, mobile_e164="+447911123456", country="GB", mobile="+44 7911 123456",
                        id_type="passport", id_number="ab1234567", email="visitor@example.co.uk")
    with app.app_context():
        member = db.session.scalar(select(Member))
        assert (member.country, member.mobile, member.id_number) == ("GB", "+447911123456", "AB1234567")
        db.session.remove()


def test_markup_in_a_name_is_shown_as_text_everywhere(app, client, outbox):
    name = '<script>alert("x")</script>'
    register_and_verify(client, outbox, first_name=name, family_name="<b>bold</b>")
    dashboard = client.get("/portal/").get_data(as_text=True)
    assert "<script>alert" not in dashboard and "<b>bold</b>" not in dashboard
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in dashboard
    mail = mails_to(outbox, "iamsa@chamberoman.com")[0]
    html_part = mail.get_body(("html",)).get_content()
    assert "<script>" not in html_part and "&lt;script&gt;" in html_part
    # The plain-text part is not HTML: the name is written as typed.
    assert f"Dear {name}," in mail.get_body(("plain",)).get_content()


def test_the_captcha_is_off_without_keys_and_the_page_says_so(client):
    page = client.get("/register/").get_data(as_text=True)
    assert "The captcha is switched off on this server" in page
    assert "g-recaptcha" not in page
    for label in ("First name", "Middle name", "Family name", "Email", "Mobile phone",
                  "Commercial registration (CR) number", "Country", "ID type", "ID number", "Password",
                  "Confirm password", "Submit", "Forgot password", "Login", "Civil ID card", "Resident card",
                  "Passport", "New membership registration"):
        assert label in page, label


def test_a_registration_flood_is_stopped_per_address_and_per_email(app, client):
    statuses = [register(client, email=f"flood{i}@example.om", password="x", confirm_password="x").status_code
                for i in range(6)]
    assert statuses == [200] * 5 + [429]
    # The same email from many addresses is held up too.
    statuses = []
    for i in range(6):
        visitor = app.test_client()
        statuses.append(post_form(visitor, "/register/", {**SEED_MEMBER, "password": "x", "confirm_password": "x"},
                                  environ_base={"REMOTE_ADDR": f"198.51.100.{i + 1}"}).status_code)
    assert statuses == [200] * 5 + [429]
    assert counts(app) == (0, 0)
