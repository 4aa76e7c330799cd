"""The front page in both languages, security headers, and a configuration that refuses to run unsafely."""
from __future__ import annotations

import pytest

from app import ConfigurationError, create_app
from config import TestConfig


def test_visitors_see_the_services_in_both_languages(app, client):
    page = client.get("/").get_data(as_text=True)
    assert "Membership renewal" in page and "Oman Chamber of Commerce &amp; Industry" in page
    client.get("/lang/ar")
    page = client.get("/").get_data(as_text=True)
    assert "تجديد العضوية" in page and "غرفة تجارة وصناعة عمان" in page and 'dir="rtl"' in page


def test_security_headers(app, client):
    response = client.get("/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


class Production(TestConfig):
    ENV_NAME = "production"
    PRODUCTION = True
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    PAYMENT_GATEWAY = "cybersource"
    DEV_IDP_ENABLED = False


@pytest.mark.parametrize("override,fragment", [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "PostgreSQL"),
    ({"PAYMENT_GATEWAY": "sandbox"}, "sandbox"),
    ({"DEV_IDP_ENABLED": True}, "identity provider"),
    ({"AUDIT_CHECKPOINT_KEY": None}, "AUDIT_CHECKPOINT_KEY"),
])
def test_production_refuses_unsafe_settings(tmp_path, override, fragment):
    with pytest.raises(ConfigurationError, match=fragment):
        create_app(Production, INSTANCE_DIR=str(tmp_path), **override)
