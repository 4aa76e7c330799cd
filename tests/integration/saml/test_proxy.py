"""Behind a TLS-terminating proxy: with ProxyFix on, the ACS sees the https URL the IdP posted to."""
from __future__ import annotations

import pytest

from tests.integration.saml.helpers import idp_response, logged_in_user_id, make_member, sent_request

PUBLIC = "https://portal.chamberoman.example"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "portal.chamberoman.example",
             "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def proxied_app(app, tmp_path):
    """The same database behind one proxy hop, as production runs it."""
    from app import create_app
    from config import TestConfig

    behind = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        INSTANCE_DIR=app.config["INSTANCE_DIR"], OUTBOX_DIR=str(tmp_path / "outbox"),
                        PUBLIC_BASE_URL=PUBLIC, PROXY_FIX_HOPS=1)
    yield behind
    with behind.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def login_behind_proxy(app, client, headers):
    response = client.get("/saml/login/", headers=headers)
    sent = sent_request(response.location)
    assert sent.xml.get("AssertionConsumerServiceURL") == f"{PUBLIC}/saml/acs/"
    return client.post("/saml/acs/", data={"SAMLResponse": idp_response(app, sent.id)}, headers=headers)


def test_the_acs_url_is_https_and_a_forwarded_https_post_is_accepted(app, proxied_app):
    make_member(app)
    client = proxied_app.test_client()
    response = login_behind_proxy(proxied_app, client, FORWARDED)
    assert response.status_code == 302
    assert logged_in_user_id(client) is not None


def test_without_the_forwarded_scheme_the_destination_check_refuses(app, proxied_app):
    make_member(app)
    client = proxied_app.test_client()
    plain = {key: value for key, value in FORWARDED.items() if key != "X-Forwarded-Proto"}
    response = login_behind_proxy(proxied_app, client, plain)
    assert response.status_code == 400
    assert logged_in_user_id(client) is None


def test_without_proxy_fix_forwarded_headers_are_ignored(app, monkeypatch):
    """The headers are trusted only when PROXY_FIX_HOPS says a proxy is there."""
    make_member(app)
    client = app.test_client()
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    response = client.get("/saml/login/", headers=FORWARDED)
    sent = sent_request(response.location)
    response = client.post("/saml/acs/", data={"SAMLResponse": idp_response(app, sent.id)}, headers=FORWARDED)
    assert response.status_code == 400
