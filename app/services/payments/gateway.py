"""The app's payment gateway, built once when the app starts and handed to whoever needs it.

Views, jobs and the sandbox's hosted pages all use this one instance
(`app.extensions['ghurfa.gateway']`); views reach it, and the gateway's errors, only here.
"""
from __future__ import annotations

from flask import Flask, current_app

from app.adapters.payments import (
    GatewayQueryFailed, PaymentGateway, PaymentGatewayError, ReplyError, make_gateway,
)

EXTENSION_KEY = "ghurfa.gateway"

__all__ = ["EXTENSION_KEY", "GatewayQueryFailed", "PaymentGatewayError", "ReplyError", "gateway_name",
           "init_gateway", "payment_gateway"]


def gateway_name(config) -> str:
    return str(config.get("PAYMENT_GATEWAY") or "sandbox").lower()


def init_gateway(app: Flask) -> PaymentGateway:
    """Builds the configured gateway for `app` (a bad configuration stops the app at start)."""
    gateway = make_gateway(app.config, instance_path=app.instance_path)
    app.extensions[EXTENSION_KEY] = gateway
    return gateway


def payment_gateway(app: Flask | None = None) -> PaymentGateway:
    """The gateway of `app` (the current app by default)."""
    app = app or current_app._get_current_object()
    gateway = app.extensions.get(EXTENSION_KEY)
    return gateway if gateway is not None else init_gateway(app)
