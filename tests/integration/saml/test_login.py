"""Login via PKI through the development IdP's pages, and the account match on the asserted civil ID."""
from __future__ import annotations

import re

from lxml import etree

from tests.conftest import csrf_from
from tests.integration.helpers import PASSWORD, login, make_user
from tests.integration.saml.helpers import (
    CIVIL_ID,
    assertion_count,
    form_fields,
    idp_response,
    local,
    logged_in_user_id,
    make_member,
    post_acs,
    start_login,
)


def through_dev_idp(client, request_url: str, civil_id: str = CIVIL_ID, method: str = "card", pin: str = "1234"):
    """Plays the member at the development IdP: card or mobile, PIN, civil ID; returns the final page."""
    response = client.get(local(request_url))
    assert response.status_code == 302 and response.location.endswith("/dev-idp/")
    page = client.get("/dev-idp/").get_data(as_text=True)
    assert "LOGIN USING CARD" in page and "LOGIN USING MOBILE" in page
    data = {"csrf_token": csrf_from(page), "method": method}
    if method == "mobile":
        data["mobile"] = "+96899416689"
    response = client.post("/dev-idp/", data=data)
    assert response.status_code == 302 and response.location.endswith("/dev-idp/pin")
    page = client.get("/dev-idp/pin").get_data(as_text=True)
    response = client.post("/dev-idp/pin", data={"csrf_token": csrf_from(page), "other_civil_id": civil_id, "pin": pin})
    return response


def test_login_page_offers_pki_beside_the_password_login(client):
    page = client.get("/login/").get_data(as_text=True)
    assert 'id="login-via-pki"' in page and "/saml/login/" in page
    assert 'name="password"' in page
    assert 'href="/register/"' in page


def test_password_login_still_works(app, client):
    make_user(app, "clerk", "Staff")
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) is not None


def test_round_trip_with_the_card_logs_the_member_in(app, client):
    user_id = make_member(app)
    sent = start_login(client, next_path="/somewhere/inside/")
    assert sent.url.startswith("http://localhost/dev-idp/sso?")
    assert "Signature" in sent.params and sent.params["SigAlg"].endswith("rsa-sha256")
    assert not sent.force_authn

    done = through_dev_idp(client, sent.url)
    page = done.get_data(as_text=True)
    assert "SINGLE LOG OUT" in page and "Terminate and return to your originating service" in page
    fields = form_fields(page)
    assert re.search(r'action="http://localhost/saml/acs/"', page)

    response = post_acs(client, fields["SAMLResponse"], fields.get("RelayState"))
    assert response.status_code == 302
    assert response.location == "/somewhere/inside/"
    assert logged_in_user_id(client) == user_id
    assert assertion_count(app) == 1


def test_round_trip_with_the_mobile_id(app, client):
    user_id = make_member(app)
    done = through_dev_idp(client, start_login(client).url, method="mobile")
    fields = form_fields(done.get_data(as_text=True))
    response = post_acs(client, fields["SAMLResponse"], fields.get("RelayState"))
    assert response.status_code == 302 and response.location == "/portal/"
    assert logged_in_user_id(client) == user_id


def test_the_dev_idp_refuses_a_pin_that_is_not_4_to_8_digits(app, client):
    make_member(app)
    response = through_dev_idp(client, start_login(client).url, pin="12")
    assert response.status_code == 400
    assert "The PIN is 4 to 8 digits." in response.get_data(as_text=True)


def test_login_rotates_the_session_and_keeps_only_the_language(app, client):
    make_member(app)
    sent = start_login(client)
    with client.session_transaction() as session:
        session["locale"] = "ar"
        session["planted_by_someone"] = "fixation"
    response = post_acs(client, idp_response(app, sent.id))
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["locale"] == "ar"
        assert "planted_by_someone" not in session
        assert session["saml_sso"]["civil_id"] == CIVIL_ID


def test_no_account_for_the_civil_id_shows_a_clear_message_and_the_register_link(app, client):
    sent = start_login(client)
    response = post_acs(client, idp_response(app, sent.id, civil_id="9999999"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No portal account is registered for civil ID 9999999." in page
    assert 'href="/register/"' in page
    assert logged_in_user_id(client) is None


def test_an_account_not_yet_verified_cannot_log_in_with_pki(app, client):
    make_member(app, verified=False)
    response = post_acs(client, idp_response(app, start_login(client).id))
    assert response.status_code == 403
    assert "must be verified" in response.get_data(as_text=True)
    assert logged_in_user_id(client) is None


def test_a_disabled_account_cannot_log_in_with_pki(app, client):
    make_member(app, active=False)
    response = post_acs(client, idp_response(app, start_login(client).id))
    assert response.status_code == 403
    assert logged_in_user_id(client) is None


def test_a_resident_card_with_the_same_number_is_not_a_civil_id_match(app, client):
    from app.extensions import db
    from models import Member

    user_id = make_member(app)
    with app.app_context():
        member = db.session.query(Member).filter_by(user_id=user_id).one()
        member.id_type = "resident_card"
        db.session.commit()
        db.session.remove()
    response = post_acs(client, idp_response(app, start_login(client).id))
    assert "No portal account is registered" in response.get_data(as_text=True)


def test_metadata_names_our_endpoints_and_signing_demands(client):
    response = client.get("/saml/metadata/")
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    xml = etree.fromstring(response.data)
    md = "{urn:oasis:names:tc:SAML:2.0:metadata}"
    assert xml.get("entityID") == "http://localhost/saml/metadata/"
    descriptor = xml.find(f"{md}SPSSODescriptor")
    assert descriptor.get("AuthnRequestsSigned") == "true"
    assert descriptor.get("WantAssertionsSigned") == "true"
    assert descriptor.find(f"{md}AssertionConsumerService").get("Location") == "http://localhost/saml/acs/"
    assert descriptor.find(f"{md}SingleLogoutService").get("Location") == "http://localhost/saml/sls/"
    assert descriptor.find(f"{md}KeyDescriptor") is not None


def test_saml_switched_off_hides_the_endpoints(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SAML_ENABLED", False)
    assert client.get("/saml/login/").status_code == 404
    assert 'id="login-via-pki"' not in client.get("/login/").get_data(as_text=True)


def test_a_post_arriving_without_our_cookie_is_posted_again_from_our_own_page(app, client):
    """Browsers keep SameSite=Lax cookies off a POST from the IdP's site; our page re-posts with them."""
    user_id = make_member(app)
    saml_response = idp_response(app, start_login(client).id)
    kept_cookie = client.get_cookie("session").value
    client.delete_cookie("session")

    page = post_acs(client, saml_response, "/portal/").get_data(as_text=True)
    fields = form_fields(page)
    assert 'action="/saml/acs/"' in page and "data-autosubmit" in page and "js/autosubmit.js" in page
    assert fields["SAMLResponse"] == saml_response and fields["ghurfa_resubmitted"] == "1"

    client.set_cookie("session", kept_cookie)  # the same-site POST carries it
    response = client.post("/saml/acs/", data=fields)
    assert response.status_code == 302
    assert logged_in_user_id(client) == user_id


def test_a_re_posted_answer_without_any_session_is_refused(app, client):
    make_member(app)
    saml_response = idp_response(app, start_login(client).id)
    stranger = app.test_client()
    response = stranger.post("/saml/acs/", data={"SAMLResponse": saml_response, "ghurfa_resubmitted": "1"})
    assert response.status_code == 400
    assert logged_in_user_id(stranger) is None
