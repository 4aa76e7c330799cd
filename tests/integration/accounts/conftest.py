"""Driving the account pages like a person: real forms with CSRF tokens, codes read from the outbox folder."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import csrf_from
from tests.integration.accounts.peers import mails_to, sms_to

# The seed's example registration (section 1), with a password the policy accepts.
SEED_MEMBER = {
    "first_name": "shmoouqa", "middle_name": "mohamed", "family_name": "AL-hashmi",
    "email": "iamsa@chamberoman.com", "mobile": "99416689", "cr_number": "", "country": "OM",
    "id_type": "civil_id", "id_number": "7324674",
    "password": "sohar harbour at dawn", "confirm_password": "sohar harbour at dawn",
}
SEED_MOBILE = "+96899416689"
EMAIL_CODE = re.compile(r"Your email verification code : ([A-Za-z]{6})")
T0 = dt.datetime(2026, 3, 19, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def outbox(app) -> Path:
    """The outbox folder, emptied before the test so only this test's messages are in it."""
    folder = Path(app.config["OUTBOX_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def clock(app):
    """Sets the application's clock: clock(minutes=...) moves it on from T0."""

    def set_clock(**delta):
        app.config["CLOCK_NOW"] = T0 + dt.timedelta(**delta)
        return app.config["CLOCK_NOW"]

    set_clock()
    return set_clock


def post_form(client, url: str, data: dict, **kwargs):
    """GETs the page for its CSRF token, then POSTs `data` to it like the browser would."""
    page = client.get(url, **kwargs)
    assert page.status_code == 200, (url, page.status_code, page.headers.get("Location"))
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))}, **kwargs)


def register(client, **changes):
    return post_form(client, "/register/", {**SEED_MEMBER, **changes})


def latest_email_code(outbox: Path, address: str) -> str:
    mails = mails_to(outbox, address)
    assert mails, f"no mail to {address}"
    match = EMAIL_CODE.search(mails[-1].get_body(("plain",)).get_content())
    assert match, mails[-1].get_body(("plain",)).get_content()
    return match.group(1)


def latest_sms_code(outbox: Path, number: str) -> str:
    texts = sms_to(outbox, number)
    assert texts, f"no SMS to {number}"
    match = re.search(r"([0-9]{6})$", texts[-1])
    assert match, texts[-1]
    return match.group(1)


def enter_code(client, step: str, code: str):
    return post_form(client, f"/register/verify-{step}", {"code": code})


def register_and_verify(client, outbox: Path, mobile_e164: str = SEED_MOBILE, **changes):
    """The whole of section 1: register, verify the email, verify the mobile; returns the form data used."""
    data = {**SEED_MEMBER, **changes}
    response = register(client, **changes)
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/verify-email"), \
        response.get_data(as_text=True)[:2000]
    email = data["email"].strip().lower()
    assert enter_code(client, "email", latest_email_code(outbox, email)).status_code == 302
    response = enter_code(client, "mobile", latest_sms_code(outbox, mobile_e164))
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")
    return data
