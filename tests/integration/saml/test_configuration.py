"""Where the SP's keys and the IdP's metadata come from, and what production refuses."""
from __future__ import annotations

import pytest

from app.saml.dev_idp.metadata import metadata_xml
from app.saml.keys import self_signed
from app.saml.settings import SamlConfigurationError, build_settings, check_configuration, sp_key_pair

PRODUCTION = {"SAML_ENABLED": True, "PRODUCTION": True, "PUBLIC_BASE_URL": "https://portal.chamberoman.example",
              "SAML_IDP_METADATA_FILE": "/etc/ghurfa/idp.xml", "SAML_SP_CERT_FILE": "/etc/ghurfa/sp.crt",
              "SAML_SP_KEY_FILE": "/etc/ghurfa/sp.key", "INSTANCE_DIR": "/var/lib/ghurfa"}


def test_a_complete_production_configuration_passes():
    check_configuration(PRODUCTION)


@pytest.mark.parametrize("change,complaint", [
    ({"SAML_IDP_METADATA_FILE": None}, "SAML_IDP_METADATA"),
    ({"SAML_SP_KEY_FILE": None}, "SAML_SP_KEY"),
    ({"SAML_SP_CERT_FILE": None}, "SAML_SP_CERT"),
    ({"PUBLIC_BASE_URL": "http://portal.chamberoman.example"}, "https"),
    ({"SAML_SP_KEY_FILE": "instance-less/keys/sp.key"}, None),
])
def test_production_refuses_missing_or_development_material(change, complaint, tmp_path):
    config = {**PRODUCTION, **change}
    if complaint is None:
        from app.saml.settings import SOURCE_DIR

        config["SAML_SP_KEY_FILE"] = str(SOURCE_DIR / "keys" / "sp.key")
        complaint = "source tree"
    with pytest.raises(SamlConfigurationError, match=complaint):
        check_configuration(config)


def test_saml_without_any_identity_provider_is_refused_at_start():
    with pytest.raises(SamlConfigurationError, match="metadata"):
        check_configuration({"SAML_ENABLED": True, "DEV_IDP_ENABLED": False})
    check_configuration({"SAML_ENABLED": False, "DEV_IDP_ENABLED": False})


def test_production_never_makes_its_own_sp_key(tmp_path):
    with pytest.raises(SamlConfigurationError):
        sp_key_pair({"PRODUCTION": True, "INSTANCE_DIR": str(tmp_path)})
    assert not (tmp_path / "saml").exists()


def test_development_makes_the_sp_key_once_under_instance(tmp_path):
    first = sp_key_pair({"INSTANCE_DIR": str(tmp_path)})
    again = sp_key_pair({"INSTANCE_DIR": str(tmp_path)})
    assert first == again
    assert (tmp_path / "saml" / "key.pem").stat().st_mode & 0o077 == 0


def test_keys_and_metadata_come_from_files_or_environment_text(tmp_path):
    pair = self_signed("Configured SP")
    (tmp_path / "sp.crt").write_text(pair.cert_pem)
    (tmp_path / "sp.key").write_text(pair.key_pem)
    idp_metadata = metadata_xml({"PUBLIC_BASE_URL": "https://idp.example", "INSTANCE_DIR": str(tmp_path)})
    (tmp_path / "idp.xml").write_text(idp_metadata)
    base = {"PUBLIC_BASE_URL": "https://portal.example", "INSTANCE_DIR": str(tmp_path / "unused")}
    from_files = build_settings({**base, "SAML_SP_CERT_FILE": str(tmp_path / "sp.crt"),
                                 "SAML_SP_KEY_FILE": str(tmp_path / "sp.key"),
                                 "SAML_IDP_METADATA_FILE": str(tmp_path / "idp.xml")})
    from_text = build_settings({**base, "SAML_SP_CERT": pair.cert_pem, "SAML_SP_KEY": pair.key_pem,
                                "SAML_IDP_METADATA": idp_metadata})
    assert from_files == from_text
    assert from_files["sp"]["x509cert"] == pair.cert_pem
    assert from_files["idp"]["entityId"] == "https://idp.example/dev-idp/metadata"
    assert from_files["idp"]["singleSignOnService"]["url"] == "https://idp.example/dev-idp/sso"
    assert from_files["sp"]["entityId"] == "https://portal.example/saml/metadata/"
    assert from_files["strict"] is True
    security = from_files["security"]
    assert security["wantAssertionsSigned"] and security["wantMessagesSigned"] and security["authnRequestsSigned"]
    assert security["rejectDeprecatedAlgorithm"] and security["signatureAlgorithm"].endswith("rsa-sha256")
    assert not (tmp_path / "unused" / "saml").exists()


def test_an_sp_certificate_without_its_key_is_refused(tmp_path):
    with pytest.raises(SamlConfigurationError, match="both"):
        sp_key_pair({"SAML_SP_CERT": self_signed("x").cert_pem, "INSTANCE_DIR": str(tmp_path)})
