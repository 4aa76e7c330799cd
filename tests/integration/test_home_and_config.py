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
])
def test_production_refuses_unsafe_settings(tmp_path, override, fragment):
    with pytest.raises(ConfigurationError, match=fragment):
        create_app(Production, INSTANCE_DIR=str(tmp_path), **override)


def test_importing_the_settings_writes_nothing_and_the_app_makes_its_secrets_when_it_starts(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    instance = tmp_path / "instance"
    env = {**os.environ, "GHURFA_INSTANCE_DIR": str(instance), "GHURFA_ENV": "development"}
    env.pop("SECRET_KEY", None)
    env.pop("SANDBOX_GATEWAY_SECRET", None)
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", "import config; assert config.Config.SECRET_KEY is None"],
                   cwd=root, env=env, check=True)
    assert not instance.exists()

    first = create_app(TestConfig, INSTANCE_DIR=str(instance), SECRET_KEY=None, SANDBOX_GATEWAY_SECRET=None)
    secret = (instance / "secrets" / "secret_key").read_text().strip()
    assert first.config["SECRET_KEY"] == secret and len(secret) > 40
    assert (instance / "secrets" / "secret_key").stat().st_mode & 0o777 == 0o600
    again = create_app(TestConfig, INSTANCE_DIR=str(instance), SECRET_KEY=None, SANDBOX_GATEWAY_SECRET=None)
    assert again.config["SECRET_KEY"] == secret
    assert again.config["SANDBOX_GATEWAY_SECRET"] == first.config["SANDBOX_GATEWAY_SECRET"] != secret


def test_production_makes_no_secret_of_its_own(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(Production, INSTANCE_DIR=str(tmp_path), SECRET_KEY=None)
    assert not (tmp_path / "secrets").exists()
