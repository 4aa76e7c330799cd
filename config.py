"""Ghurfa's settings: every value comes from the environment, with embedded defaults for development.

Production (GHURFA_ENV=production) refuses to start without a real SECRET_KEY and
DATABASE_URL, and switches off every development stand-in (sandbox payment page,
development identity provider, outbox mail and SMS are only allowed when configured).
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
_INSTANCE = Path(os.environ.get("GHURFA_INSTANCE_DIR", BASE_DIR / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


def _env_list(name: str, default: list[int]) -> list[int]:
    value = _env(name)
    if value is None:
        return default
    return [int(part) for part in value.split(",") if part.strip()]


def _dev_secret(name: str) -> str:
    """A per-instance secret for development, kept under instance/ so restarts keep sessions."""
    path = _INSTANCE / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


class Config:
    # --- what kind of deployment this is ------------------------------------
    ENV_NAME = _env("GHURFA_ENV", "development")  # development | test | production
    PRODUCTION = ENV_NAME == "production"

    # --- core -----------------------------------------------------------------
    SECRET_KEY = _env("SECRET_KEY") or (None if PRODUCTION else _dev_secret("secret_key"))
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{_INSTANCE / 'ghurfa.db'}")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = _env("REDIS_URL")
    INSTANCE_DIR = str(_INSTANCE)
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    PROXY_FIX_HOPS = _env_int("PROXY_FIX_HOPS", 0)  # set to 1 behind one TLS-terminating proxy
    TIMEZONE = "Asia/Muscat"

    # --- chamber ----------------------------------------------------------------
    APP_NAME = _env("CHAMBER_NAME_EN", "Oman Chamber of Commerce & Industry")
    CHAMBER_NAME_EN = _env("CHAMBER_NAME_EN", "Oman Chamber of Commerce & Industry")
    CHAMBER_NAME_AR = _env("CHAMBER_NAME_AR", "غرفة تجارة وصناعة عمان")
    CHAMBER_EMBLEM = _env("CHAMBER_EMBLEM")  # path to a PNG; a drawn emblem when unset
    GRACE_DAYS = _env_int("GRACE_DAYS", 30)
    ORDER_TTL_MINUTES = _env_int("ORDER_TTL_MINUTES", 60)
    LOAD_DEMO_DATA = _env_bool("LOAD_DEMO_DATA", not PRODUCTION)

    # --- web security -------------------------------------------------------------
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", REDIS_URL or "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    # --- Flask-AppBuilder -----------------------------------------------------------
    FAB_API_SWAGGER_UI = True
    FAB_ADD_SECURITY_API = False
    FAB_UPDATE_PERMS = True
    FAB_PASSWORD_HASH_METHOD = "scrypt"
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    BABEL_DEFAULT_TIMEZONE = "Asia/Muscat"

    # --- outside services (each has an embedded default) -------------------------------
    REGISTRY_BACKEND = _env("REGISTRY_BACKEND", "file")
    REGISTRY_FILE = _env("REGISTRY_FILE")
    REGISTRY_URL = _env("REGISTRY_URL")
    REGISTRY_API_KEY = _env("REGISTRY_API_KEY")
    REGISTRY_TIMEOUT = float(_env("REGISTRY_TIMEOUT", "5"))

    PAYMENT_GATEWAY = _env("PAYMENT_GATEWAY", "sandbox")
    SANDBOX_GATEWAY_SECRET = _env("SANDBOX_GATEWAY_SECRET") or (
        None if PRODUCTION else _dev_secret("sandbox_gateway")
    )
    CYBERSOURCE_ACCESS_KEY = _env("CYBERSOURCE_ACCESS_KEY")
    CYBERSOURCE_PROFILE_ID = _env("CYBERSOURCE_PROFILE_ID")
    CYBERSOURCE_SECRET_KEY = _env("CYBERSOURCE_SECRET_KEY")
    CYBERSOURCE_ENDPOINT = _env("CYBERSOURCE_ENDPOINT", "https://testsecureacceptance.cybersource.com/pay")
    CYBERSOURCE_QUERY_URL = _env("CYBERSOURCE_QUERY_URL")
    CYBERSOURCE_MERCHANT_ID = _env("CYBERSOURCE_MERCHANT_ID")
    CYBERSOURCE_API_KEY_ID = _env("CYBERSOURCE_API_KEY_ID")
    CYBERSOURCE_API_SECRET = _env("CYBERSOURCE_API_SECRET")

    MAIL_BACKEND = _env("MAIL_BACKEND", "outbox")
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_SECURITY = _env("MAIL_SECURITY", "starttls")
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_SENDER = _env("MAIL_SENDER", "Oman Chamber of Commerce & Industry <no-reply@chamberoman.example>")
    MAIL_TIMEOUT = float(_env("MAIL_TIMEOUT", "10"))
    SMS_BACKEND = _env("SMS_BACKEND", "outbox")
    SMS_GATEWAY_URL = _env("SMS_GATEWAY_URL")
    SMS_GATEWAY_METHOD = _env("SMS_GATEWAY_METHOD", "POST")
    SMS_GATEWAY_SHAPE = _env("SMS_GATEWAY_SHAPE", "json")
    SMS_GATEWAY_FIELDS = _env("SMS_GATEWAY_FIELDS")
    SMS_GATEWAY_USERNAME = _env("SMS_GATEWAY_USERNAME")
    SMS_GATEWAY_PASSWORD = _env("SMS_GATEWAY_PASSWORD")
    SMS_GATEWAY_TOKEN = _env("SMS_GATEWAY_TOKEN")
    SMS_SENDER = _env("SMS_SENDER", "ChamberOman")
    SMS_TIMEOUT = float(_env("SMS_TIMEOUT", "10"))
    OUTBOX_DIR = _env("OUTBOX_DIR", str(_INSTANCE / "outbox"))
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 8)

    RECAPTCHA_SITE_KEY = _env("RECAPTCHA_SITE_KEY")
    RECAPTCHA_SECRET_KEY = _env("RECAPTCHA_SECRET_KEY")
    RECAPTCHA_VERIFY_URL = _env("RECAPTCHA_VERIFY_URL", "https://www.google.com/recaptcha/api/siteverify")

    # --- national PKI (SAML) ------------------------------------------------------------
    SAML_ENABLED = _env_bool("SAML_ENABLED", True)
    DEV_IDP_ENABLED = _env_bool("DEV_IDP_ENABLED", not PRODUCTION)
    SAML_CIVIL_ID_ATTRIBUTE = _env("SAML_CIVIL_ID_ATTRIBUTE", "urn:oid:1.3.6.1.4.1.50000.1.1")
    SAML_IDP_METADATA_FILE = _env("SAML_IDP_METADATA_FILE")
    SAML_IDP_METADATA = _env("SAML_IDP_METADATA")
    SAML_SP_CERT_FILE = _env("SAML_SP_CERT_FILE")
    SAML_SP_KEY_FILE = _env("SAML_SP_KEY_FILE")
    SAML_SP_CERT = _env("SAML_SP_CERT")
    SAML_SP_KEY = _env("SAML_SP_KEY")
    SAML_STEP_UP_MAX_AGE_SECONDS = _env_int("SAML_STEP_UP_MAX_AGE_SECONDS", 300)
    SAML_CLOCK_SKEW_SECONDS = _env_int("SAML_CLOCK_SKEW_SECONDS", 60)

    # --- scheduled jobs --------------------------------------------------------------------
    REMINDER_OFFSETS_DAYS = _env_list("REMINDER_OFFSETS_DAYS", [30, 7, 1, -7])
    QUIET_HOURS = (_env("QUIET_HOURS_START", "21:00"), _env("QUIET_HOURS_END", "08:00"))
    JOB_SCHEDULES = json.loads(_env("JOB_SCHEDULES", "{}"))  # overrides per job: {"name": "cron expr"}
    RECONCILE_AFTER_MINUTES = _env_int("RECONCILE_AFTER_MINUTES", 30)
    SCHEDULER_IN_DEV_SERVER = _env_bool("SCHEDULER_IN_DEV_SERVER", True)

    # --- back office at scale ------------------------------------------------------------
    # Seconds a worker reuses an unfiltered list's row count and the options of a small table's
    # select box (grades, governorates); 0 recomputes them for every page. Changes the same
    # worker commits drop them at once; other workers' changes show within this time.
    BACK_OFFICE_CACHE_SECONDS = _env_int("BACK_OFFICE_CACHE_SECONDS", 15)


class TestConfig(Config):
    ENV_NAME = "test"
    BACK_OFFICE_CACHE_SECONDS = 0  # tests empty tables with TRUNCATE, which the cache cannot see
    PRODUCTION = False
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SANDBOX_GATEWAY_SECRET = "test-sandbox-secret"
    LOAD_DEMO_DATA = False
    RATELIMIT_STORAGE_URI = "memory://"
    SCHEDULER_IN_DEV_SERVER = False
    SERVER_NAME = None
