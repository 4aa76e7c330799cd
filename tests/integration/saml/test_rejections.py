"""Every response the SP must refuse: each is otherwise valid, then broken in one way, and must change nothing."""
from __future__ import annotations

import base64
import copy
import datetime as dt

import pytest
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C

from app.saml.keys import self_signed
from tests.integration.saml.helpers import (
    OTHER_CIVIL_ID,
    assertion_count,
    idp_response,
    logged_in_user_id,
    make_member,
    post_acs,
    start_login,
)

SAML = f"{{{C.NS_SAML}}}"
SAMLP = f"{{{C.NS_SAMLP}}}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
NOT_ACCEPTED = "could not be accepted"
UNSOLICITED = "does not belong to a login started here"


@pytest.fixture(scope="module")
def attacker_pair():
    return self_signed("Not the national IdP")


@pytest.fixture
def member(app):
    return make_member(app)


def decoded(saml_response: str) -> etree._Element:
    return etree.fromstring(base64.b64decode(saml_response))


def encoded(document: etree._Element) -> str:
    return base64.b64encode(etree.tostring(document)).decode("ascii")


@pytest.fixture
def refused(app, client, caplog):
    """Checks a refusal: the page says so, the log says why, nobody is logged in, nothing is stored."""

    def check(response, reason: str, text: str = NOT_ACCEPTED) -> None:
        assert response.status_code == 400, response.status_code
        assert text in response.get_data(as_text=True)
        assert reason in caplog.text, caplog.text
        assert_nothing_changed(app, client)

    return check


def assert_nothing_changed(app, client) -> None:
    assert logged_in_user_id(client) is None
    assert assertion_count(app) == 0


def test_the_valid_response_these_tests_break_is_accepted(app, client, member):
    response = post_acs(client, idp_response(app, start_login(client).id))
    assert response.status_code == 302
    assert logged_in_user_id(client) == member


@pytest.mark.parametrize("options,reason", [
    ({"sign_assertion": False, "sign_message": False}, "The Assertion of the Response is not signed"),
    ({"sign_assertion": True, "sign_message": False}, "The Message of the Response is not signed"),
    ({"sign_assertion": False, "sign_message": True}, "The Assertion of the Response is not signed"),
], ids=["unsigned", "assertion-only", "message-only"])
def test_unsigned_responses_are_refused(app, client, member, refused, options, reason):
    refused(post_acs(client, idp_response(app, start_login(client).id, **options)), reason)


def test_signature_wrapping_with_a_second_unsigned_assertion_is_refused(app, client, member, refused):
    document = decoded(idp_response(app, start_login(client).id))
    forged = copy.deepcopy(document.find(f"{SAML}Assertion"))
    forged.remove(forged.find(f"{DS}Signature"))
    forged.set("ID", "_forged")
    forged.find(f".//{SAML}AttributeValue").text = OTHER_CIVIL_ID
    document.append(forged)
    refused(post_acs(client, encoded(document)), "SAML Response must contain 1 assertion")


def test_signature_wrapping_that_hides_the_signed_assertion_is_refused(app, client, member, refused):
    document = decoded(idp_response(app, start_login(client).id))
    signed = document.find(f"{SAML}Assertion")
    forged = copy.deepcopy(signed)
    forged.remove(forged.find(f"{DS}Signature"))
    forged.find(f".//{SAML}AttributeValue").text = OTHER_CIVIL_ID
    # The signed original moves into the forged assertion's own Signature object, where a
    # naive verifier still finds it by ID, while the forged one takes its place.
    wrapper = etree.SubElement(etree.SubElement(forged, f"{DS}Signature"), f"{DS}Object")
    wrapper.append(signed)
    document.insert(list(document).index(document.find(f"{SAMLP}Status")) + 1, forged)
    refused(post_acs(client, encoded(document)), "SAML Response must contain 1 assertion")


def test_an_attribute_altered_after_signing_is_refused(app, client, member, refused):
    document = decoded(idp_response(app, start_login(client).id, civil_id=OTHER_CIVIL_ID))
    document.find(f".//{SAML}AttributeValue").text = "7324674"
    document.find(f".//{SAML}NameID").text = "7324674"
    refused(post_acs(client, encoded(document)), "Signature validation failed")


def test_a_response_for_another_audience_is_refused(app, client, member, refused):
    sent = start_login(client)
    response = post_acs(client, idp_response(app, sent.id, audience="https://other.example/sp"))
    refused(response, "is not a valid audience for this Response")


def test_a_response_for_another_destination_is_refused(app, client, member, refused):
    sent = start_login(client)
    response = post_acs(client, idp_response(app, sent.id, acs_url="https://other.example/acs"))
    refused(response, "instead of https://other.example/acs")


def test_a_response_from_another_issuer_is_refused(app, client, member, refused):
    sent = start_login(client)
    response = post_acs(client, idp_response(app, sent.id, issuer="https://idp.elsewhere.example"))
    refused(response, "Invalid issuer")


def test_an_expired_response_is_refused(app, client, member, refused):
    an_hour_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    sent = start_login(client)
    refused(post_acs(client, idp_response(app, sent.id, now=an_hour_ago)), "Could not validate timestamp: expired")


def test_a_response_from_the_future_beyond_the_clock_allowance_is_refused(app, client, member, refused):
    # python3-saml alone would allow five minutes; we allow SAML_CLOCK_SKEW_SECONDS (60).
    two_minutes_ahead = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=2)
    sent = start_login(client)
    refused(post_acs(client, idp_response(app, sent.id, now=two_minutes_ahead)), "not yet valid")


def test_an_idp_clock_a_little_ahead_is_allowed(app, client, member):
    half_a_minute_ahead = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
    sent = start_login(client)
    assert post_acs(client, idp_response(app, sent.id, now=half_a_minute_ahead)).status_code == 302


def test_a_response_signed_with_another_certificate_is_refused(app, client, member, refused, attacker_pair):
    sent = start_login(client)
    refused(post_acs(client, idp_response(app, sent.id, pair=attacker_pair)), "Signature validation failed")


@pytest.mark.parametrize("algorithm,digest", [
    (C.RSA_SHA1, C.SHA1),
    (C.RSA_SHA1, C.SHA256),
    (C.RSA_SHA256, C.SHA1),
], ids=["rsa-sha1", "rsa-sha1-signature", "sha1-digest"])
def test_deprecated_algorithms_are_refused(app, client, member, refused, algorithm, digest):
    sent = start_login(client)
    refused(post_acs(client, idp_response(app, sent.id, algorithm=algorithm, digest=digest)), "Deprecated")


def test_an_unsolicited_response_without_in_response_to_is_refused(app, client, member, refused):
    start_login(client)  # a login is pending, but the response answers none
    refused(post_acs(client, idp_response(app, None)), "InResponseTo=None", UNSOLICITED)


def test_a_response_to_another_browsers_request_is_refused(app, client, member, refused):
    others = app.test_client()
    their_request = start_login(others)
    start_login(client)
    response = post_acs(client, idp_response(app, their_request.id))
    refused(response, f"InResponseTo={their_request.id!r}", UNSOLICITED)


def test_a_response_without_any_pending_request_is_refused(app, client, member, refused):
    client.get("/login/")  # a session, but no login started
    refused(post_acs(client, idp_response(app, "ONELOGIN_made_up")), "InResponseTo='ONELOGIN_made_up'", UNSOLICITED)


def test_a_request_is_answered_only_once_in_a_session(app, client, member):
    saml_response = idp_response(app, start_login(client).id)
    assert post_acs(client, saml_response).status_code == 302
    client.get("/saml/logout/")  # ends our session at once, then asks the IdP
    response = post_acs(client, saml_response)
    assert response.status_code == 400 and UNSOLICITED in response.get_data(as_text=True)
    assert logged_in_user_id(client) is None


def test_a_replay_with_a_copied_session_cookie_is_refused_by_the_assertion_store(app, client, member):
    # A cookie session cannot be revoked: whoever kept the cookie from before the login
    # still holds the pending request. Only the store of used assertions stops the replay.
    saml_response = idp_response(app, start_login(client).id)
    kept_cookie = client.get_cookie("session").value
    assert post_acs(client, saml_response).status_code == 302
    assert assertion_count(app) == 1

    thief = app.test_client()
    thief.set_cookie("session", kept_cookie)
    response = post_acs(thief, saml_response)
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)
    assert logged_in_user_id(thief) is None
    assert assertion_count(app) == 1


def test_a_response_that_is_not_xml_is_refused(app, client, member, refused):
    start_login(client)
    refused(post_acs(client, base64.b64encode(b"<not saml").decode()), "InResponseTo=None", UNSOLICITED)
