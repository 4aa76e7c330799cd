"""The development identity provider: never in production, and strict about whom it answers."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from lxml import etree

from app.saml.dev_idp import DevIdpInProduction, register
from tests.integration.saml.helpers import local, make_company, make_member, start_login


def test_it_refuses_to_be_registered_in_production():
    production = Flask("production")
    production.config.update(PRODUCTION=True, DEV_IDP_ENABLED=True)
    with pytest.raises(DevIdpInProduction):
        register(production)
    assert "dev_idp" not in production.blueprints


def test_an_app_configured_for_production_will_not_start_with_it(app, tmp_path):
    from app import ConfigurationError, create_app
    from config import TestConfig

    with pytest.raises(ConfigurationError, match="development identity provider"):
        create_app(TestConfig, PRODUCTION=True, DEV_IDP_ENABLED=True,
                   SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1/none", PAYMENT_GATEWAY="cybersource",
                   INSTANCE_DIR=str(tmp_path))


def test_it_serves_its_metadata(client):
    response = client.get("/dev-idp/metadata")
    xml = etree.fromstring(response.data)
    assert xml.get("entityID") == "http://localhost/dev-idp/metadata"
    assert b"X509Certificate" in response.data and b"/dev-idp/sso" in response.data


def tampered(url: str, **changes) -> str:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    params.update(changes)
    params = {key: value for key, value in params.items() if value is not None}
    return f"{parts.path}?{urlencode(params)}"


def test_it_refuses_an_unsigned_authn_request(client):
    sent = start_login(client)
    response = client.get(tampered(sent.url, Signature=None, SigAlg=None))
    assert response.status_code == 400 and "not signed" in response.get_data(as_text=True)


def test_it_refuses_an_authn_request_whose_relay_state_was_changed(client):
    sent = start_login(client)
    response = client.get(tampered(sent.url, RelayState="https://evil.example/"))
    assert response.status_code == 400 and "does not verify" in response.get_data(as_text=True)


def test_it_refuses_a_request_signed_with_sha1(client):
    sent = start_login(client)
    response = client.get(tampered(sent.url, SigAlg="http://www.w3.org/2000/09/xmldsig#rsa-sha1"))
    assert response.status_code == 400


def test_the_pin_page_offers_members_and_signatories_as_demo_civil_ids(app, client):
    make_member(app, civil_id="7324674")
    make_company(app, signatories=(("1526575", True),))
    client.get(local(start_login(client).url))
    page = client.get("/dev-idp/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/dev-idp/", data={"csrf_token": token, "method": "card"})
    page = client.get("/dev-idp/pin").get_data(as_text=True)
    assert set(re.findall(r'<option value="(\d+)"', page)) == {"7324674", "1526575"}


def test_the_mobile_id_needs_a_mobile_number(client):
    client.get(local(start_login(client).url))
    page = client.get("/dev-idp/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/dev-idp/", data={"csrf_token": token, "method": "mobile", "mobile": ""})
    assert response.status_code == 400
    assert "Enter the mobile number" in response.get_data(as_text=True)


def test_without_a_pending_request_it_asks_nothing(client):
    page = client.get("/dev-idp/").get_data(as_text=True)
    assert "Nobody is logged in here" in page
    assert client.get("/dev-idp/pin").status_code == 302
