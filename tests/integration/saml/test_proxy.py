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


def test_the_destination_is_checked_against_public_base_url_not_the_request(app, proxied_app):
    """Whatever scheme the request arrived with, the response must be addressed to PUBLIC_BASE_URL's ACS."""
    make_member(app)
    client = proxied_app.test_client()
    plain = {key: value for key, value in FORWARDED.items() if key != "X-Forwarded-Proto"}
    assert login_behind_proxy(proxied_app, client, plain).status_code == 302
    other = proxied_app.test_client()
    response = other.get("/saml/login/", headers=FORWARDED)
    sent = sent_request(response.location)
    elsewhere = idp_response(proxied_app, sent.id, acs_url="http://portal.chamberoman.example/saml/acs/")
    response = other.post("/saml/acs/", data={"SAMLResponse": elsewhere}, headers=FORWARDED)
    assert response.status_code == 400
    assert logged_in_user_id(other) is None


def test_a_forwarded_host_that_is_not_ours_is_refused(app, proxied_app):
    client = proxied_app.test_client()
    assert client.get("/saml/login/", headers={**FORWARDED, "X-Forwarded-Host": "evil.example"}).status_code == 400


def test_without_proxy_fix_forwarded_headers_are_ignored(app, monkeypatch):
    """The headers are trusted only when PROXY_FIX_HOPS says a proxy is there."""
    client = app.test_client()
    response = client.get("/login/", headers={**FORWARDED, "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200  # served for the real Host (localhost), the forwarded one unread
