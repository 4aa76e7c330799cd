"""With reCAPTCHA keys configured, the register, login and forgot-password forms need a person's token."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import Member
from tests.integration.accounts.conftest import SEED_MEMBER, post_form, register
from tests.integration.accounts.peers import GOOD_TOKEN, SECRET, start_recaptcha_peer
from tests.integration.helpers import make_user


@pytest.fixture
def recaptcha(app, monkeypatch):
    peer, stop = start_recaptcha_peer()
    monkeypatch.setitem(app.config, "RECAPTCHA_SITE_KEY", "site-key-for-tests")
    monkeypatch.setitem(app.config, "RECAPTCHA_SECRET_KEY", SECRET)
    monkeypatch.setitem(app.config, "RECAPTCHA_VERIFY_URL", peer.url)
    monkeypatch.setitem(app.config, "RECAPTCHA_TIMEOUT", 2)
    yield peer
    stop()


def members(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Member))
        db.session.remove()
        return count


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_pages_carry_the_widget_with_the_site_key(client, recaptcha):
    for url in ("/register/", "/login/", "/forgot-password/"):
        page = client.get(url).get_data(as_text=True)
        assert 'class="g-recaptcha" data-sitekey="site-key-for-tests"' in page, url
        assert "switched off" not in page


def test_registration_without_a_person_is_refused_and_saves_nothing(app, client, outbox, recaptcha):
    response = register(client)
    assert response.status_code == 200 and "tick “I'm not a robot”" in text(response)
    response = register(client, **{"g-recaptcha-response": "forged"})
    assert "was not accepted" in text(response)
    assert members(app) == 0 and not list(outbox.iterdir())
    # What was typed is still there for the next try.
    assert 'value="iamsa@chamberoman.com"' in response.get_data(as_text=True)
    response = register(client, **{"g-recaptcha-response": GOOD_TOKEN})
    assert response.status_code == 302 and members(app) == 1
    assert recaptcha.posts[-1]["response"] == [GOOD_TOKEN] and recaptcha.posts[-1]["remoteip"] == ["127.0.0.1"]


def test_login_needs_the_captcha_before_the_password_is_checked(app, client, recaptcha):
    make_user(app, "staff1", "Staff")
    from tests.integration.helpers import PASSWORD

    response = post_form(client, "/login/", {"username": "staff1", "password": PASSWORD})
    assert response.status_code == 200 and "tick “I'm not a robot”" in text(response)
    assert client.get("/companyview/list/").status_code == 302
    response = post_form(client, "/login/", {"username": "staff1", "password": PASSWORD,
                                             "g-recaptcha-response": GOOD_TOKEN})
    assert response.status_code == 302 and client.get("/companyview/list/").status_code == 200


def test_a_captcha_service_that_is_down_refuses_the_form(app, client, outbox, recaptcha):
    recaptcha.status, recaptcha.body = 503, "unavailable"
    response = register(client, **{"g-recaptcha-response": GOOD_TOKEN})
    assert "could not be checked just now" in text(response)
    assert members(app) == 0
    response = post_form(client, "/forgot-password/", {"email": SEED_MEMBER["email"],
                                                       "g-recaptcha-response": GOOD_TOKEN})
    assert "could not be checked just now" in text(response)
