"""Single logout, started by us or by the identity provider, and the logout messages we refuse."""
from __future__ import annotations

import datetime as dt
import html
import re

from app.saml.dev_idp import bindings
from app.saml.dev_idp.metadata import idp_endpoints, idp_key_pair
from app.saml.keys import self_signed
from app.saml.settings import sp_endpoints
from tests.conftest import csrf_from
from tests.integration.helpers import PASSWORD, login, make_user
from tests.integration.saml.helpers import (
    CIVIL_ID,
    form_fields,
    local,
    logged_in_user_id,
    make_member,
    pki_login,
    post_acs,
    sent_request,
    start_login,
)
from tests.integration.saml.test_login import through_dev_idp


def idp_logout_request_url(app, *, pair=None, relay_state=None, signed=True) -> str:
    with app.app_context():
        config = app.config
        xml, _ = bindings.logout_request(issuer=idp_endpoints(config).entity_id,
                                         destination=sp_endpoints(config).sls_url, name_id=CIVIL_ID,
                                         session_index="_s1", now=dt.datetime.now(dt.timezone.utc))
        if not signed:
            from urllib.parse import quote_plus

            from onelogin.saml2.utils import OneLogin_Saml2_Utils

            return f"/saml/sls/?SAMLRequest={quote_plus(OneLogin_Saml2_Utils.deflate_and_base64_encode(xml))}"
        return local(bindings.redirect_url(sp_endpoints(config).sls_url, "SAMLRequest", xml, relay_state,
                                           pair or idp_key_pair(config)))


def idp_logout_response_url(app, in_response_to: str, relay_state: str | None = None) -> str:
    with app.app_context():
        config = app.config
        xml = bindings.logout_response(issuer=idp_endpoints(config).entity_id, destination=sp_endpoints(config).sls_url,
                                       in_response_to=in_response_to, now=dt.datetime.now(dt.timezone.utc))
        return local(bindings.redirect_url(sp_endpoints(config).sls_url, "SAMLResponse", xml, relay_state,
                                           idp_key_pair(config)))


def test_logout_of_a_pki_session_goes_through_the_idp_and_lands_on_the_dashboard(app, client):
    make_member(app)
    pki_login(app, client)
    response = client.get("/logout/")
    assert response.status_code == 302 and response.location == "/saml/logout/"
    response = client.get("/saml/logout/")
    sent = sent_request(response.location)
    assert sent.url.startswith("http://localhost/dev-idp/slo?")
    assert sent.xml.tag.endswith("LogoutRequest")
    assert sent.xml.findtext("{urn:oasis:names:tc:SAML:2.0:assertion}NameID") == CIVIL_ID
    assert "Signature" in sent.params
    assert logged_in_user_id(client) is None  # ended here at once, whatever the IdP does

    page = client.get(local(sent.url)).get_data(as_text=True)
    assert "SINGLE LOG OUT" in page and "You are logged out from all services" in page
    terminate = html.unescape(re.search(r'href="([^"]+)"[^>]*>\s*Terminate and return', page).group(1))
    response = client.get(local(terminate))
    assert response.status_code == 302 and response.location == "/portal/"
    with client.session_transaction() as session:
        assert "saml_logout" not in session and "_user_id" not in session


def test_logout_of_a_password_session_stays_local(app, client):
    make_user(app, "clerk", "Staff")
    login(client, "clerk", PASSWORD)
    response = client.get("/logout/")
    assert response.status_code == 302 and "/dev-idp/" not in response.location
    assert logged_in_user_id(client) is None


def test_logout_started_at_the_idp_ends_our_session_and_answers(app, client):
    make_member(app)
    done = through_dev_idp(client, start_login(client).url)
    fields = form_fields(done.get_data(as_text=True))
    assert post_acs(client, fields["SAMLResponse"], fields.get("RelayState")).status_code == 302
    assert logged_in_user_id(client) is not None

    page = client.get("/dev-idp/logout").get_data(as_text=True)
    assert "Log out from all services" in page
    response = client.post("/dev-idp/logout", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302 and response.location.startswith("http://localhost/saml/sls/?SAMLRequest=")

    response = client.get(local(response.location))
    assert logged_in_user_id(client) is None
    answer = sent_request(response.location)
    assert answer.url.startswith("http://localhost/dev-idp/slo?") and answer.xml.tag.endswith("LogoutResponse")

    page = client.get(local(answer.url)).get_data(as_text=True)
    assert "SINGLE LOG OUT" in page
    assert 'href="http://localhost/portal/"' in page


def test_an_unsigned_logout_request_is_refused_and_the_session_stays(app, client):
    user_id = make_member(app)
    pki_login(app, client)
    response = client.get(idp_logout_request_url(app, signed=False))
    assert response.status_code == 400
    assert logged_in_user_id(client) == user_id


def test_a_logout_request_signed_with_another_key_is_refused(app, client):
    user_id = make_member(app)
    pki_login(app, client)
    response = client.get(idp_logout_request_url(app, pair=self_signed("Someone else")))
    assert response.status_code == 400
    assert logged_in_user_id(client) == user_id


def test_a_signed_logout_request_from_the_idp_ends_the_session(app, client):
    make_member(app)
    pki_login(app, client)
    response = client.get(idp_logout_request_url(app, relay_state="https://evil.example/"))
    assert response.status_code == 302
    assert response.location.startswith("http://localhost/dev-idp/slo?")  # the answer goes to the IdP only
    assert logged_in_user_id(client) is None


def test_a_logout_response_nobody_asked_for_is_refused(app, client):
    user_id = make_member(app)
    pki_login(app, client)
    response = client.get(idp_logout_response_url(app, "ONELOGIN_not_ours"))
    assert response.status_code == 400
    assert logged_in_user_id(client) == user_id


def test_a_logout_response_answering_another_request_is_refused(app, client):
    make_member(app)
    pki_login(app, client)
    client.get("/saml/logout/")
    response = client.get(idp_logout_response_url(app, "ONELOGIN_another_request"))
    assert response.status_code == 400


def test_the_relay_state_of_a_logout_response_never_leads_off_site(app, client):
    make_member(app)
    pki_login(app, client)
    request_id = sent_request(client.get("/saml/logout/").location).id
    response = client.get(idp_logout_response_url(app, request_id, relay_state="https://evil.example/"))
    assert response.status_code == 302 and response.location == "/portal/"
