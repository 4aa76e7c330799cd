"""The HTTP-Redirect binding as an identity provider speaks it: signed query strings and logout messages."""
from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import quote_plus, unquote_plus

from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from app.saml.dev_idp.issuer import SAML, SAMLP, new_id, saml_time
from app.saml.keys import KeyPair

# Strong enough to accept from the service provider; SHA-1 is refused.
ACCEPTED_SIGNATURE_ALGORITHMS = (C.RSA_SHA256, C.RSA_SHA384, C.RSA_SHA512)


class BindingError(ValueError):
    """A redirect-binding message that is missing, unsigned, wrongly signed or not well formed."""


def redirect_url(url: str, kind: str, xml: bytes, relay_state: str | None, pair: KeyPair) -> str:
    """`url` with a deflated, signed SAMLRequest or SAMLResponse (rsa-sha256) in its query."""
    parts = [f"{kind}={quote_plus(OneLogin_Saml2_Utils.deflate_and_base64_encode(xml))}"]
    if relay_state:
        parts.append(f"RelayState={quote_plus(relay_state)}")
    parts.append(f"SigAlg={quote_plus(C.RSA_SHA256)}")
    signed = "&".join(parts)
    signature = base64.b64encode(OneLogin_Saml2_Utils.sign_binary(signed, pair.key_pem)).decode("ascii")
    return f"{url}{'&' if '?' in url else '?'}{signed}&Signature={quote_plus(signature)}"


def read_redirect(query_string: str, kind: str, cert_pem: str) -> tuple[etree._Element, str | None]:
    """The message and RelayState of a signed redirect; the signature is checked over the raw query."""
    raw = {}
    for part in query_string.split("&"):
        name, _, value = part.partition("=")
        raw.setdefault(name, value)
    if kind not in raw:
        raise BindingError(f"No {kind} in the query.")
    if "Signature" not in raw or "SigAlg" not in raw:
        raise BindingError(f"The {kind} is not signed.")
    algorithm = unquote_plus(raw["SigAlg"])
    if algorithm not in ACCEPTED_SIGNATURE_ALGORITHMS:
        raise BindingError(f"Signature algorithm {algorithm} is not accepted.")
    signed = "&".join(f"{name}={raw[name]}" for name in (kind, "RelayState", "SigAlg") if name in raw)
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=True)
    except ValueError as err:
        raise BindingError("The signature is not base64.") from err
    if not OneLogin_Saml2_Utils.validate_binary_sign(signed, signature, cert_pem, algorithm):
        raise BindingError(f"The {kind} signature does not verify.")
    try:
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(unquote_plus(raw[kind]))
        message = OneLogin_Saml2_XML.to_etree(xml)
    except Exception as err:  # a bad deflate stream or XML: the message is unusable either way
        raise BindingError(f"The {kind} is not a SAML message.") from err
    relay_state = unquote_plus(raw["RelayState"]) if "RelayState" in raw else None
    return message, relay_state


def issuer_of(message: etree._Element) -> str | None:
    node = message.find(f"{SAML}Issuer")
    return node.text.strip() if node is not None and node.text else None


def logout_request(*, issuer: str, destination: str, name_id: str, session_index: str | None,
                   now: dt.datetime, lifetime: dt.timedelta = dt.timedelta(minutes=5)) -> tuple[bytes, str]:
    """A LogoutRequest from the IdP to a service provider, ending one subject's session there; and its ID."""
    request = etree.Element(f"{SAMLP}LogoutRequest", nsmap={"samlp": C.NS_SAMLP, "saml": C.NS_SAML},
                            ID=new_id(), Version="2.0", IssueInstant=saml_time(now),
                            Destination=destination, NotOnOrAfter=saml_time(now + lifetime))
    etree.SubElement(request, f"{SAML}Issuer").text = issuer
    etree.SubElement(request, f"{SAML}NameID", Format=C.NAMEID_UNSPECIFIED).text = name_id
    if session_index:
        etree.SubElement(request, f"{SAMLP}SessionIndex").text = session_index
    return etree.tostring(request), request.get("ID")


def logout_response(*, issuer: str, destination: str, in_response_to: str, now: dt.datetime,
                    status: str = C.STATUS_SUCCESS) -> bytes:
    """The IdP's answer to a service provider's LogoutRequest."""
    response = etree.Element(f"{SAMLP}LogoutResponse", nsmap={"samlp": C.NS_SAMLP, "saml": C.NS_SAML},
                             ID=new_id(), Version="2.0", IssueInstant=saml_time(now),
                             Destination=destination, InResponseTo=in_response_to)
    etree.SubElement(response, f"{SAML}Issuer").text = issuer
    etree.SubElement(etree.SubElement(response, f"{SAMLP}Status"), f"{SAMLP}StatusCode", Value=status)
    return etree.tostring(response)
