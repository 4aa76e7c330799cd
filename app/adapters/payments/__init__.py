"""Payment gateways: CyberSource Secure Acceptance or the embedded sandbox, by configuration."""
from __future__ import annotations

import os
from typing import Mapping

from .base import (
    BillingDetails, CheckoutRequest, Decision, ExpectedPayment, GatewayConfigurationError,
    GatewayQueryFailed, GatewayReply, InvalidCheckoutRequest, PaymentGateway, PaymentGatewayError,
    ReplyError, ReplyMismatch, ReplyMissingField, ReplySignatureInvalid,
    SandboxNotAllowedInProduction, ensure_matches, format_amount, parse_amount,
)
from .cybersource import TEST_ENDPOINT, CyberSourceGateway
from .sandbox import DEFAULT_ACTION_URL, SandboxGateway
from .sandbox_ledger import load_or_create_secret
from .refunds import CyberSourceRefundClient, RefundFailed, RefundRefused, RefundRequest, RefundResult
from .transaction_search import TransactionSearchClient

__all__ = [
    "BillingDetails", "CheckoutRequest", "CyberSourceGateway", "Decision", "ExpectedPayment",
    "GatewayConfigurationError", "GatewayQueryFailed", "GatewayReply", "InvalidCheckoutRequest",
    "PaymentGateway", "PaymentGatewayError", "RefundFailed", "RefundRefused", "RefundRequest", "RefundResult", "ReplyError", "ReplyMismatch", "ReplyMissingField",
    "ReplySignatureInvalid", "SandboxGateway", "SandboxNotAllowedInProduction",
    "TransactionSearchClient", "ensure_matches", "format_amount", "is_production",
    "make_gateway", "parse_amount",
]


def is_production(config: Mapping) -> bool:
    """True when the configuration (or, as a safety net, the environment) says production."""
    return "production" in (str(config.get("ENV_NAME") or "").lower(),
                            str(config.get("GHURFA_ENV") or "").lower(),
                            os.environ.get("GHURFA_ENV", "").lower())


def _number(config: Mapping, key: str, default: float) -> float:
    try:
        return float(config.get(key, default))
    except (TypeError, ValueError):
        raise GatewayConfigurationError(f"{key} must be a number") from None


def make_cybersource(config: Mapping) -> CyberSourceGateway:
    search_client = refund_client = None
    if config.get("CYBERSOURCE_QUERY_URL"):
        # Transaction search and refunds: the same REST API, signed with the same key.
        rest = dict(base_url=config["CYBERSOURCE_QUERY_URL"], merchant_id=config.get("CYBERSOURCE_MERCHANT_ID", ""),
                    key_id=config.get("CYBERSOURCE_API_KEY_ID", ""),
                    shared_secret=config.get("CYBERSOURCE_API_SECRET", ""),
                    connect_timeout=_number(config, "CYBERSOURCE_CONNECT_TIMEOUT", 5.0),
                    read_timeout=_number(config, "CYBERSOURCE_READ_TIMEOUT", 20.0))
        search_client = TransactionSearchClient(**rest)
        refund_client = CyberSourceRefundClient(**rest)
    return CyberSourceGateway(
        refund_client=refund_client,
        access_key=config.get("CYBERSOURCE_ACCESS_KEY", ""),
        profile_id=config.get("CYBERSOURCE_PROFILE_ID", ""),
        secret_key=config.get("CYBERSOURCE_SECRET_KEY", ""),
        endpoint=config.get("CYBERSOURCE_ENDPOINT") or TEST_ENDPOINT,
        search_client=search_client)


def make_sandbox(config: Mapping, instance_path: str | None = None) -> SandboxGateway:
    """The sandbox; its files live in SANDBOX_GATEWAY_DIR or <instance>/sandbox-gateway."""
    production = is_production(config)
    if production:
        raise SandboxNotAllowedInProduction("PAYMENT_GATEWAY=sandbox in production")
    store_dir = config.get("SANDBOX_GATEWAY_DIR")
    if not store_dir:
        instance_path = instance_path or config.get("INSTANCE_PATH")
        if not instance_path:
            raise GatewayConfigurationError("the sandbox gateway needs an instance path")
        store_dir = os.path.join(instance_path, "sandbox-gateway")
    # A generated secret is fine for development; it is shared by workers through a file.
    secret = config.get("SANDBOX_GATEWAY_SECRET") or load_or_create_secret(store_dir)
    return SandboxGateway(
        secret_key=secret, store_dir=store_dir, production=production,
        access_key=config.get("SANDBOX_GATEWAY_ACCESS_KEY") or "ghurfa-sandbox",
        profile_id=config.get("SANDBOX_GATEWAY_PROFILE_ID") or "ghurfa-sandbox",
        action_url=config.get("SANDBOX_GATEWAY_URL") or DEFAULT_ACTION_URL,
        notify_timeout=_number(config, "SANDBOX_GATEWAY_NOTIFY_TIMEOUT", 5.0))


def make_gateway(config: Mapping, instance_path: str | None = None) -> PaymentGateway:
    """The gateway named by PAYMENT_GATEWAY ('sandbox', the default, or 'cybersource')."""
    kind = str(config.get("PAYMENT_GATEWAY") or "sandbox").lower()
    if kind == "cybersource":
        return make_cybersource(config)
    if kind == "sandbox":
        return make_sandbox(config, instance_path)
    raise GatewayConfigurationError(f"unknown PAYMENT_GATEWAY {kind!r}")
