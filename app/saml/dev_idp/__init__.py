"""A development identity provider inside Ghurfa, standing in for the national PKI's, so every flow runs locally.

It is registered only when DEV_IDP_ENABLED, and refuses to exist when the configuration
says production: it asserts any civil ID for any 4-8 digit PIN.
"""
from __future__ import annotations

from flask import Flask


class DevIdpInProduction(RuntimeError):
    """The development identity provider was asked to run in production."""


def register(app: Flask) -> None:
    if app.config.get("PRODUCTION") or app.config.get("ENV_NAME") == "production":
        raise DevIdpInProduction("The development identity provider cannot run in production.")
    from app.saml.dev_idp.views import blueprint

    app.register_blueprint(blueprint)
