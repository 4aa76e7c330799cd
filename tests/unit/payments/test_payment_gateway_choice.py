"""make_gateway: choosing and configuring a gateway, and the sandbox's production guard."""
import os

import pytest

from app.adapters.payments import (
    BillingDetails, CheckoutRequest, CyberSourceGateway, ExpectedPayment,
    GatewayConfigurationError, SandboxGateway, SandboxNotAllowedInProduction, make_gateway,
)


def test_sandbox_is_the_default(tmp_path):
    gateway = make_gateway({}, instance_path=str(tmp_path))
    assert isinstance(gateway, SandboxGateway)
    assert gateway.action_url == "/sandbox-gateway/pay"
    secret_file = tmp_path / "sandbox-gateway" / "secret"
    assert secret_file.exists()
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"


def test_generated_secret_is_shared_by_every_worker(tmp_path):
    config = {"PAYMENT_GATEWAY": "sandbox", "INSTANCE_PATH": str(tmp_path)}
    first, second = make_gateway(config), make_gateway(config)
    order = CheckoutRequest("REF-1", "uuid-1", 4000, "OMR", "en",
                            BillingDetails("A", "B", "a@b.om", "9", "Muscat", "Ruwi"),
                            receipt_url="http://localhost/receipt")
    _, fields = first.checkout_form(order)
    assert second.check_request(fields)["amount"] == "4.000"


def test_configured_sandbox_secret_wins(tmp_path):
    gateway = make_gateway({"SANDBOX_GATEWAY_SECRET": "from-config",
                            "SANDBOX_GATEWAY_DIR": str(tmp_path / "gw")})
    assert not (tmp_path / "gw" / "secret").exists()
    assert gateway._secret_key == "from-config"


@pytest.mark.parametrize("config", [
    {"ENV_NAME": "production"}, {"ENV_NAME": "Production"}, {"GHURFA_ENV": "production"}])
def test_sandbox_refuses_production(tmp_path, config):
    with pytest.raises(SandboxNotAllowedInProduction):
        make_gateway({"PAYMENT_GATEWAY": "sandbox", **config}, instance_path=str(tmp_path))
    assert not (tmp_path / "sandbox-gateway").exists()


def test_sandbox_refuses_production_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GHURFA_ENV", "production")
    with pytest.raises(SandboxNotAllowedInProduction):
        make_gateway({}, instance_path=str(tmp_path))


def test_sandbox_constructor_takes_the_production_flag(tmp_path):
    with pytest.raises(SandboxNotAllowedInProduction):
        SandboxGateway(secret_key="x", store_dir=str(tmp_path), production=True)


def test_sandbox_needs_somewhere_to_keep_its_files():
    with pytest.raises(GatewayConfigurationError):
        make_gateway({"PAYMENT_GATEWAY": "sandbox"})


def test_cybersource_from_configuration():
    gateway = make_gateway({
        "PAYMENT_GATEWAY": "cybersource", "ENV_NAME": "production",
        "CYBERSOURCE_ACCESS_KEY": "AK", "CYBERSOURCE_PROFILE_ID": "PID",
        "CYBERSOURCE_SECRET_KEY": "SK",
        "CYBERSOURCE_QUERY_URL": "https://apitest.cybersource.com",
        "CYBERSOURCE_MERCHANT_ID": "occi_test", "CYBERSOURCE_API_KEY_ID": "key-1",
        "CYBERSOURCE_API_SECRET": "c2VjcmV0LXNoYXJlZC1rZXk=",
        "CYBERSOURCE_READ_TIMEOUT": "7"})
    assert isinstance(gateway, CyberSourceGateway)
    assert gateway.action_url == "https://testsecureacceptance.cybersource.com/pay"
    assert gateway.search_client.url == "https://apitest.cybersource.com/tss/v2/searches"
    assert gateway.search_client.timeout == (5.0, 7.0)


def test_cybersource_endpoint_can_be_the_live_one():
    gateway = make_gateway({"PAYMENT_GATEWAY": "cybersource", "CYBERSOURCE_ACCESS_KEY": "AK",
                            "CYBERSOURCE_PROFILE_ID": "PID", "CYBERSOURCE_SECRET_KEY": "SK",
                            "CYBERSOURCE_ENDPOINT": "https://secureacceptance.cybersource.com/pay"})
    assert gateway.action_url == "https://secureacceptance.cybersource.com/pay"
    assert gateway.search_client is None
    with pytest.raises(GatewayConfigurationError):
        gateway.query("REF-1", "uuid-1")


@pytest.mark.parametrize("missing", ["CYBERSOURCE_ACCESS_KEY", "CYBERSOURCE_PROFILE_ID",
                                     "CYBERSOURCE_SECRET_KEY"])
def test_cybersource_without_credentials_is_refused(missing):
    config = {"PAYMENT_GATEWAY": "cybersource", "CYBERSOURCE_ACCESS_KEY": "AK",
              "CYBERSOURCE_PROFILE_ID": "PID", "CYBERSOURCE_SECRET_KEY": "SK"}
    del config[missing]
    with pytest.raises(GatewayConfigurationError):
        make_gateway(config)


def test_search_secret_must_be_base64():
    with pytest.raises(GatewayConfigurationError):
        make_gateway({"PAYMENT_GATEWAY": "cybersource", "CYBERSOURCE_ACCESS_KEY": "AK",
                      "CYBERSOURCE_PROFILE_ID": "PID", "CYBERSOURCE_SECRET_KEY": "SK",
                      "CYBERSOURCE_QUERY_URL": "https://apitest.cybersource.com",
                      "CYBERSOURCE_MERCHANT_ID": "m", "CYBERSOURCE_API_KEY_ID": "k",
                      "CYBERSOURCE_API_SECRET": "not base64!"})


def test_unknown_gateway_is_refused():
    with pytest.raises(GatewayConfigurationError):
        make_gateway({"PAYMENT_GATEWAY": "paypal"})


def test_expected_payment_defaults_to_omr():
    assert ExpectedPayment("R", "U", 1000).currency == "OMR"
    assert os.environ.get("GHURFA_ENV") != "production"
