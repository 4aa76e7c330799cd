"""Interoperability: pysaml2, an independent SAML implementation, plays the national IdP against our SP.

pysaml2 signs with Debian's xmlsec1 binary (scripts/setup.sh installs it). The IdP runs
in the test process; the browser is the test client, carrying every redirect and POST.
"""
from __future__ import annotations

import base64
import datetime as dt
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from app.saml.keys import self_signed
from tests.integration.saml.helpers import CIVIL_ID, OTHER_CIVIL_ID, logged_in_user_id, make_company, make_member

saml2 = pytest.importorskip("saml2")
from saml2 import BINDING_HTTP_REDIRECT  # noqa: E402
from saml2.config import IdPConfig  # noqa: E402
from saml2.metadata import create_metadata_string  # noqa: E402
from saml2.response import IncorrectlySigned  # noqa: E402
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_UNSPECIFIED, NameID  # noqa: E402
from saml2.server import Server  # noqa: E402
from saml2.sigver import verify_redirect_signature  # noqa: E402
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256  # noqa: E402

XMLSEC1 = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
IDP = "https://pki.interop.example"
SMART_CARD = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI"

pytestmark = pytest.mark.skipif(not shutil.which("xmlsec1"), reason="Debian's xmlsec1 is not installed")


class PkiIdp:
    """pysaml2's Server configured as the national IdP, trusting our SP through our own metadata."""

    def __init__(self, key_dir, sp_metadata: str) -> None:
        config = IdPConfig()
        config.load({
            "entityid": f"{IDP}/metadata",
            "xmlsec_binary": XMLSEC1,
            "key_file": str(key_dir / "idp.key"),
            "cert_file": str(key_dir / "idp.crt"),
            "metadata": {"inline": [sp_metadata]},
            "signing_algorithm": SIG_RSA_SHA256,
            "digest_algorithm": DIGEST_SHA256,
            "service": {"idp": {
                "endpoints": {
                    "single_sign_on_service": [(f"{IDP}/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(f"{IDP}/slo", BINDING_HTTP_REDIRECT)],
                },
                "want_authn_requests_signed": True,
                "sign_response": True,
                "sign_assertion": True,
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                       "name_form": NAME_FORMAT_URI}},
            }},
        })
        self.server = Server(config=config)
        metadata = create_metadata_string(None, config=config, sign=False)
        self.metadata = metadata.decode("utf-8") if isinstance(metadata, bytes) else metadata

    def receive_authn_request(self, location: str):
        """Parses and verifies (signature included) the AuthnRequest the browser brought."""
        assert location.startswith(f"{IDP}/sso?"), location
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        request = self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                                  relay_state=query.get("RelayState"), sigalg=query["SigAlg"],
                                                  signature=query["Signature"])
        return request.message, query.get("RelayState")

    def authn_response(self, request, civil_id: str, authn_instant: dt.datetime | None = None) -> str:
        response = self.server.create_authn_response(
            identity={"urn:oid:1.3.6.1.4.1.50000.1.1": [civil_id]},
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=civil_id),
            authn={"class_ref": SMART_CARD,
                   "authn_instant": int((authn_instant or dt.datetime.now(dt.timezone.utc)).timestamp())},
            sign_response=True, sign_assertion=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
        )
        return base64.b64encode(str(response).encode("utf-8")).decode("ascii")

    def redirect(self, message: str, destination: str, relay_state: str = "", response: bool = False) -> str:
        info = self.server.apply_binding(BINDING_HTTP_REDIRECT, message, destination=destination,
                                         relay_state=relay_state, response=response, sign=True,
                                         sigalg=SIG_RSA_SHA256)
        return dict(info["headers"])["Location"]


@pytest.fixture(scope="module")
def idp_keys(tmp_path_factory):
    """The IdP's signing pair, made in a temporary directory once for these tests."""
    key_dir = tmp_path_factory.mktemp("pysaml2-idp")
    pair = self_signed("Interop national IdP")
    (key_dir / "idp.key").write_text(pair.key_pem)
    (key_dir / "idp.crt").write_text(pair.cert_pem)
    return key_dir


@pytest.fixture
def idp(app, client, idp_keys, monkeypatch):
    sp_metadata = client.get("/saml/metadata/").get_data(as_text=True)
    pki_idp = PkiIdp(idp_keys, sp_metadata)
    monkeypatch.setitem(app.config, "SAML_IDP_METADATA", pki_idp.metadata)
    return pki_idp


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def login_through(idp: PkiIdp, client, civil_id: str = CIVIL_ID, next_path: str = "/portal/"):
    request, relay_state = idp.receive_authn_request(
        client.get("/saml/login/", query_string={"next": next_path}).location)
    assert request.force_authn in (None, "false")
    return client.post("/saml/acs/", data={"SAMLResponse": idp.authn_response(request, civil_id),
                                           "RelayState": relay_state})


def test_login_round_trip(app, client, idp):
    user_id = make_member(app)
    response = login_through(idp, client)
    assert response.status_code == 302 and response.location == "/portal/"
    assert logged_in_user_id(client) == user_id


def test_pysaml2_checks_the_signature_of_our_request(app, client, idp):
    location = client.get("/saml/login/", query_string={"next": "/a/"}).location
    idp.receive_authn_request(location)
    altered = location.replace("RelayState=%2Fa%2F", "RelayState=%2Fb%2F", 1)
    assert altered != location
    with pytest.raises(IncorrectlySigned):
        idp.receive_authn_request(altered)


def test_a_response_from_pysaml2_to_someone_elses_request_is_refused(app, client, idp):
    make_member(app)
    others = app.test_client()
    request, _ = idp.receive_authn_request(others.get("/saml/login/").location)
    client.get("/saml/login/")
    response = client.post("/saml/acs/", data={"SAMLResponse": idp.authn_response(request, CIVIL_ID)})
    assert response.status_code == 400
    assert logged_in_user_id(client) is None


def test_step_up_round_trip_asks_for_a_new_authentication(app, client, idp):
    make_member(app)
    company = make_company(app)
    login_through(idp, client)
    location = client.get("/saml/step-up/", query_string={"company": company, "next": "/services/renewal/"}).location
    request, relay_state = idp.receive_authn_request(location)
    assert request.force_authn == "true"
    response = client.post("/saml/acs/", data={"SAMLResponse": idp.authn_response(request, CIVIL_ID),
                                               "RelayState": relay_state})
    assert response.status_code == 302 and response.location == "/services/renewal/"
    with client.session_transaction() as session:
        assert session["step_up"]["company_id"] == company


@pytest.mark.parametrize("civil_id,age,message", [
    (OTHER_CIVIL_ID, dt.timedelta(0), "belongs to another civil ID"),
    (CIVIL_ID, dt.timedelta(minutes=30), "did not ask for your PIN again"),
])
def test_step_up_refusals_with_pysaml2(app, client, idp, civil_id, age, message):
    make_member(app)
    company = make_company(app, signatories=((CIVIL_ID, True), (OTHER_CIVIL_ID, True)))
    login_through(idp, client)
    request, _ = idp.receive_authn_request(client.get("/saml/step-up/", query_string={"company": company}).location)
    saml_response = idp.authn_response(request, civil_id, authn_instant=dt.datetime.now(dt.timezone.utc) - age)
    response = client.post("/saml/acs/", data={"SAMLResponse": saml_response})
    assert response.status_code == 403 and message in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "step_up" not in session


def test_logout_started_by_us_is_answered_by_pysaml2(app, client, idp):
    make_member(app)
    login_through(idp, client)
    location = client.get("/saml/logout/").location
    assert location.startswith(f"{IDP}/slo?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    request = idp.server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                              relay_state=query.get("RelayState"), sigalg=query["SigAlg"],
                                              signature=query["Signature"])
    assert request.message.name_id.text == CIVIL_ID
    answer = idp.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT], sign=False)
    back = idp.redirect(str(answer), "http://localhost/saml/sls/", query.get("RelayState", ""), response=True)
    response = client.get(local(back))
    assert response.status_code == 302 and response.location == "/portal/"
    assert logged_in_user_id(client) is None


def test_logout_started_by_pysaml2_ends_our_session(app, client, idp):
    make_member(app)
    login_through(idp, client)
    _, request = idp.server.create_logout_request(
        destination="http://localhost/saml/sls/", issuer_entity_id="http://localhost/saml/metadata/",
        name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=CIVIL_ID), sign=False,
        expire=(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    response = client.get(local(idp.redirect(str(request), "http://localhost/saml/sls/")))
    assert logged_in_user_id(client) is None
    assert response.status_code == 302 and response.location.startswith(f"{IDP}/slo?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.location).query).items()}
    assert verify_redirect_signature(query, idp.server.sec.sec_backend, cert=_pem_body(_our_cert(client)))
    answer = idp.server.parse_logout_request_response(query["SAMLResponse"], BINDING_HTTP_REDIRECT)
    assert answer.status_ok()


def _our_cert(client) -> str:
    from lxml import etree

    xml = etree.fromstring(client.get("/saml/metadata/").data)
    return xml.findtext(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")


def _pem_body(value: str) -> str:
    return "".join(value.split())
