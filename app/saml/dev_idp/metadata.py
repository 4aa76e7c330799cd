"""The development identity provider's identity: its endpoints, its signing pair and its metadata."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C

from app.saml.keys import KeyPair, load_or_create, pem_body

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
URL_PREFIX = "/dev-idp"


@dataclass(frozen=True)
class IdpEndpoints:
    entity_id: str
    sso_url: str
    slo_url: str


def idp_endpoints(config: Mapping) -> IdpEndpoints:
    base = str(config["PUBLIC_BASE_URL"]).rstrip("/") + URL_PREFIX
    return IdpEndpoints(entity_id=f"{base}/metadata", sso_url=f"{base}/sso", slo_url=f"{base}/slo")


def idp_key_pair(config: Mapping) -> KeyPair:
    """Made once under instance/dev-idp/ and never committed: the development IdP's own signing pair."""
    return load_or_create(Path(config["INSTANCE_DIR"]) / "dev-idp", "Ghurfa development identity provider")


def metadata_xml(config: Mapping) -> str:
    """An IDPSSODescriptor with our signing certificate and Redirect-binding SSO and SLO services."""
    endpoints = idp_endpoints(config)
    entity = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD, "ds": DS}, entityID=endpoints.entity_id)
    idp = etree.SubElement(entity, f"{{{MD}}}IDPSSODescriptor", WantAuthnRequestsSigned="true",
                           protocolSupportEnumeration=C.NS_SAMLP)
    key = etree.SubElement(idp, f"{{{MD}}}KeyDescriptor", use="signing")
    data = etree.SubElement(etree.SubElement(key, f"{{{DS}}}KeyInfo"), f"{{{DS}}}X509Data")
    etree.SubElement(data, f"{{{DS}}}X509Certificate").text = pem_body(idp_key_pair(config).cert_pem)
    etree.SubElement(idp, f"{{{MD}}}SingleLogoutService", Binding=C.BINDING_HTTP_REDIRECT,
                     Location=endpoints.slo_url)
    etree.SubElement(idp, f"{{{MD}}}NameIDFormat").text = C.NAMEID_UNSPECIFIED
    etree.SubElement(idp, f"{{{MD}}}SingleSignOnService", Binding=C.BINDING_HTTP_REDIRECT,
                     Location=endpoints.sso_url)
    return etree.tostring(entity, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")
