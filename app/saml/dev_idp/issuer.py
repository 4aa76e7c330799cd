"""Issuing SAML Responses as an identity provider does: one assertion about a civil ID, signed twice."""
from __future__ import annotations

import base64
import copy
import datetime as dt
from dataclasses import dataclass

from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from app.saml.keys import KeyPair

SAML = f"{{{C.NS_SAML}}}"
SAMLP = f"{{{C.NS_SAMLP}}}"
ATTRNAME_FORMAT_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
# How the person proved who they are, in SAML's authentication context classes.
AUTHN_CONTEXTS = {
    "card": "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
    "mobile": "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
}
ASSERTION_LIFETIME = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Authentication:
    """One completed authentication at the IdP: who, how, when, and the IdP session it opened."""

    civil_id: str
    method: str
    authn_instant: dt.datetime
    session_index: str


@dataclass(frozen=True)
class Audience:
    """The service provider the response is for, and where it is to be posted."""

    entity_id: str
    acs_url: str


def saml_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    return OneLogin_Saml2_Utils.generate_unique_id()


def build_response(
    *,
    issuer: str,
    audience: Audience,
    authentication: Authentication,
    civil_id_attribute: str,
    in_response_to: str | None,
    now: dt.datetime,
    lifetime: dt.timedelta = ASSERTION_LIFETIME,
) -> etree._Element:
    """An unsigned Response with one bearer assertion, valid from `now` for `lifetime`."""
    response = etree.Element(f"{SAMLP}Response", nsmap={"samlp": C.NS_SAMLP, "saml": C.NS_SAML},
                             ID=new_id(), Version="2.0", IssueInstant=saml_time(now),
                             Destination=audience.acs_url)
    if in_response_to:
        response.set("InResponseTo", in_response_to)
    etree.SubElement(response, f"{SAML}Issuer").text = issuer
    status = etree.SubElement(response, f"{SAMLP}Status")
    etree.SubElement(status, f"{SAMLP}StatusCode", Value=C.STATUS_SUCCESS)

    assertion = etree.SubElement(response, f"{SAML}Assertion", ID=new_id(), Version="2.0",
                                 IssueInstant=saml_time(now))
    etree.SubElement(assertion, f"{SAML}Issuer").text = issuer
    subject = etree.SubElement(assertion, f"{SAML}Subject")
    etree.SubElement(subject, f"{SAML}NameID", Format=C.NAMEID_UNSPECIFIED).text = authentication.civil_id
    confirmation = etree.SubElement(subject, f"{SAML}SubjectConfirmation", Method=C.CM_BEARER)
    data = etree.SubElement(confirmation, f"{SAML}SubjectConfirmationData",
                            NotOnOrAfter=saml_time(now + lifetime), Recipient=audience.acs_url)
    if in_response_to:
        data.set("InResponseTo", in_response_to)
    conditions = etree.SubElement(assertion, f"{SAML}Conditions", NotBefore=saml_time(now),
                                  NotOnOrAfter=saml_time(now + lifetime))
    restriction = etree.SubElement(conditions, f"{SAML}AudienceRestriction")
    etree.SubElement(restriction, f"{SAML}Audience").text = audience.entity_id
    statement = etree.SubElement(assertion, f"{SAML}AuthnStatement",
                                 AuthnInstant=saml_time(authentication.authn_instant),
                                 SessionIndex=authentication.session_index)
    context = etree.SubElement(statement, f"{SAML}AuthnContext")
    etree.SubElement(context, f"{SAML}AuthnContextClassRef").text = AUTHN_CONTEXTS.get(
        authentication.method, C.AC_UNSPECIFIED)
    attributes = etree.SubElement(assertion, f"{SAML}AttributeStatement")
    attribute = etree.SubElement(attributes, f"{SAML}Attribute", Name=civil_id_attribute,
                                 NameFormat=ATTRNAME_FORMAT_URI)
    etree.SubElement(attribute, f"{SAML}AttributeValue").text = authentication.civil_id
    return response


def sign_response(
    response: etree._Element,
    pair: KeyPair,
    *,
    sign_assertion: bool = True,
    sign_message: bool = True,
    algorithm: str = C.RSA_SHA256,
    digest: str = C.SHA256,
) -> bytes:
    """The Response as bytes, its assertion signed first and then the whole message around it."""
    response = copy.deepcopy(response)
    if sign_assertion:
        assertion = response.find(f"{SAML}Assertion")
        signed = OneLogin_Saml2_Utils.add_sign(etree.tostring(assertion), pair.key_pem, pair.cert_pem,
                                               sign_algorithm=algorithm, digest_algorithm=digest)
        response.replace(assertion, etree.fromstring(signed))
    xml = etree.tostring(response)
    if sign_message:
        xml = OneLogin_Saml2_Utils.add_sign(xml, pair.key_pem, pair.cert_pem,
                                            sign_algorithm=algorithm, digest_algorithm=digest)
    return xml


def post_binding_value(xml: bytes) -> str:
    """The SAMLResponse form field of the HTTP-POST binding."""
    return base64.b64encode(xml).decode("ascii")
