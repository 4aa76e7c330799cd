"""python3-saml settings from Ghurfa's configuration: our endpoints and keys, the IdP's metadata, strict security."""
from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.saml.keys import KeyPair, load_or_create

SOURCE_DIR = Path(__file__).resolve().parent.parent.parent

# The configuration keys that shape the settings; the built settings are cached on them.
_KEYS = (
    "PUBLIC_BASE_URL", "INSTANCE_DIR", "PRODUCTION", "DEV_IDP_ENABLED",
    "SAML_IDP_METADATA_FILE", "SAML_IDP_METADATA", "SAML_SP_CERT_FILE", "SAML_SP_KEY_FILE",
    "SAML_SP_CERT", "SAML_SP_KEY",
)

# Our security demands, whatever the identity provider: every message and assertion
# signed with SHA-256 or better, every request we send signed, no SHA-1 accepted.
SECURITY = {
    "authnRequestsSigned": True,
    "logoutRequestSigned": True,
    "logoutResponseSigned": True,
    "wantMessagesSigned": True,
    "wantAssertionsSigned": True,
    "wantNameId": True,
    "wantAttributeStatement": True,
    "wantAssertionsEncrypted": False,
    "wantNameIdEncrypted": False,
    "allowRepeatAttributeName": False,
    "rejectDeprecatedAlgorithm": True,
    "signatureAlgorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",  # python3-saml's RSA_SHA256
    "digestAlgorithm": "http://www.w3.org/2001/04/xmlenc#sha256",  # python3-saml's SHA256
    # The national IdP decides how (card or mobile); we do not ask for a password context.
    "requestedAuthnContext": False,
    "signMetadata": False,
}


class SamlConfigurationError(RuntimeError):
    """The SAML configuration is missing or unsafe for the environment it names."""


@dataclass(frozen=True)
class SpEndpoints:
    """Where the identity provider finds us: our entity id doubles as the metadata URL."""

    entity_id: str
    acs_url: str
    sls_url: str


def sp_endpoints(config: Mapping) -> SpEndpoints:
    base = str(config["PUBLIC_BASE_URL"]).rstrip("/")
    return SpEndpoints(entity_id=f"{base}/saml/metadata/", acs_url=f"{base}/saml/acs/",
                       sls_url=f"{base}/saml/sls/")


def _text_or_file(config: Mapping, text_key: str, file_key: str) -> str | None:
    if config.get(text_key):
        return str(config[text_key])
    if config.get(file_key):
        return Path(config[file_key]).read_text()
    return None


def sp_key_pair(config: Mapping) -> KeyPair:
    """Our signing pair from configuration; in development, one made once under instance/saml/."""
    cert = _text_or_file(config, "SAML_SP_CERT", "SAML_SP_CERT_FILE")
    key = _text_or_file(config, "SAML_SP_KEY", "SAML_SP_KEY_FILE")
    if cert and key:
        return KeyPair(cert_pem=cert, key_pem=key)
    if cert or key:
        raise SamlConfigurationError("Configure both the SP certificate and its key (SAML_SP_CERT*/SAML_SP_KEY*).")
    if config.get("PRODUCTION"):
        raise SamlConfigurationError("Production needs SAML_SP_CERT(_FILE) and SAML_SP_KEY(_FILE).")
    return load_or_create(Path(config["INSTANCE_DIR"]) / "saml", "Ghurfa service provider (development)")


def idp_metadata_xml(config: Mapping) -> str:
    """The identity provider's metadata: configured, or in development the built-in IdP's own."""
    xml = _text_or_file(config, "SAML_IDP_METADATA", "SAML_IDP_METADATA_FILE")
    if xml:
        return xml
    if config.get("DEV_IDP_ENABLED") and not config.get("PRODUCTION"):
        from app.saml.dev_idp.metadata import metadata_xml

        return metadata_xml(config)
    raise SamlConfigurationError("Set SAML_IDP_METADATA_FILE or SAML_IDP_METADATA (the IdP's metadata XML).")


def _settings_key(config: Mapping) -> tuple:
    """The configuration values that shape the settings, as the caches below key them."""
    return tuple((key, config.get(key)) for key in _KEYS)


MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


@functools.lru_cache(maxsize=8)
def _service_urls(items: tuple) -> tuple[str, ...]:
    from xml.etree import ElementTree

    urls = []
    for descriptor in ElementTree.fromstring(idp_metadata_xml(dict(items))).iter(f"{{{MD_NS}}}IDPSSODescriptor"):
        for kind in ("SingleSignOnService", "SingleLogoutService"):
            urls.extend(service.get("Location") for service in descriptor.findall(f"{{{MD_NS}}}{kind}")
                        if service.get("Binding") == REDIRECT_BINDING and service.get("Location"))
    return tuple(urls)


def idp_service_urls(config: Mapping) -> tuple[str, ...]:
    """The IdP's sign-on and logout addresses (Redirect binding) in its metadata, for the pages' CSP.

    Read with the standard library: every page's CSP names them, and python3-saml's parser
    would load python3-saml, lxml and xmlsec into every worker at its first page.
    """
    return _service_urls(_settings_key(config))


def build_settings(config: Mapping) -> dict:
    """The settings dict python3-saml takes; a fresh copy each call (python3-saml fills in defaults)."""
    return copy.deepcopy(_cached_settings(_settings_key(config)))


@functools.lru_cache(maxsize=8)
def _cached_settings(items: tuple) -> dict:
    # python3-saml (with lxml and xmlsec) is read when SAML is first used, not by every worker at start.
    from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    config = dict(items)
    endpoints = sp_endpoints(config)
    pair = sp_key_pair(config)
    idp = OneLogin_Saml2_IdPMetadataParser.parse(
        idp_metadata_xml(config),
        required_sso_binding=C.BINDING_HTTP_REDIRECT,
        required_slo_binding=C.BINDING_HTTP_REDIRECT,
    )
    if not idp.get("idp", {}).get("entityId"):
        raise SamlConfigurationError("The IdP metadata names no IDPSSODescriptor with a Redirect SSO service.")
    settings = {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": endpoints.entity_id,
            "assertionConsumerService": {"url": endpoints.acs_url, "binding": C.BINDING_HTTP_POST},
            "singleLogoutService": {"url": endpoints.sls_url, "binding": C.BINDING_HTTP_REDIRECT},
            "NameIDFormat": C.NAMEID_UNSPECIFIED,
            "x509cert": pair.cert_pem,
            "privateKey": pair.key_pem,
        },
        "security": dict(SECURITY),
    }
    merged = OneLogin_Saml2_IdPMetadataParser.merge_settings(settings, idp)
    # The IdP's preferred NameID format is a hint for it, not a demand on us.
    merged["sp"]["NameIDFormat"] = C.NAMEID_UNSPECIFIED
    return merged


def clear_cache() -> None:
    """Forget built settings (after keys or metadata were replaced)."""
    _service_urls.cache_clear()
    _cached_settings.cache_clear()


def check_configuration(config: Mapping) -> None:
    """Refuses, at start, a SAML set-up with no IdP, or a production one with development keys or repository files."""
    if not config.get("SAML_ENABLED"):
        return
    has_metadata = config.get("SAML_IDP_METADATA") or config.get("SAML_IDP_METADATA_FILE")
    if not has_metadata and not config.get("DEV_IDP_ENABLED"):
        raise SamlConfigurationError(
            "SAML_ENABLED needs the IdP's metadata (SAML_IDP_METADATA_FILE or SAML_IDP_METADATA), "
            "or DEV_IDP_ENABLED in development.")
    if not config.get("PRODUCTION"):
        return
    if not str(config.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        raise SamlConfigurationError("Production needs PUBLIC_BASE_URL on https:// for the SAML endpoints.")
    if not (config.get("SAML_IDP_METADATA") or config.get("SAML_IDP_METADATA_FILE")):
        raise SamlConfigurationError("Production needs SAML_IDP_METADATA_FILE or SAML_IDP_METADATA.")
    if not (config.get("SAML_SP_CERT") or config.get("SAML_SP_CERT_FILE")) or not (
        config.get("SAML_SP_KEY") or config.get("SAML_SP_KEY_FILE")
    ):
        raise SamlConfigurationError("Production needs SAML_SP_CERT(_FILE) and SAML_SP_KEY(_FILE).")
    instance = Path(config["INSTANCE_DIR"]).resolve()
    for key in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_IDP_METADATA_FILE"):
        if not config.get(key):
            continue
        path = Path(config[key]).resolve()
        inside_source = path.is_relative_to(SOURCE_DIR) and not path.is_relative_to(instance)
        if inside_source:
            raise SamlConfigurationError(f"{key} points into the source tree; keep keys and metadata outside it.")
