"""Ghurfa's settings: every value comes from the environment, with embedded defaults for development.

Production (GHURFA_ENV=production) refuses to start without a real SECRET_KEY, a signing key
(SIGNING_PKCS12 or SIGNING_PKCS11_MODULE) and a time-stamping authority (TSA_URL), and a
PostgreSQL DATABASE_URL, and refuses the sandbox payment page and the development identity
provider. Mail and SMS go to the outbox folder unless MAIL_BACKEND and SMS_BACKEND name
a real backend, in production too: set them there.
"""
from __future__ import annotations

import json
import os
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


def _env_words(name: str) -> list[str]:
    """A comma-separated list of words (empty when unset)."""
    return [part.strip() for part in (_env(name) or "").split(",") if part.strip()]


class Config:
    # --- what kind of deployment this is ------------------------------------
    ENV_NAME = _env("GHURFA_ENV", "development")  # development | test | production
    PRODUCTION = ENV_NAME == "production"

    # --- core -----------------------------------------------------------------
    # Outside production an unset secret is made once per instance when the app starts
    # (create_app keeps it under INSTANCE_DIR/secrets/, so restarts keep sessions).
    SECRET_KEY = _env("SECRET_KEY")
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
    # The "Contact us" page: the chamber's details, each in both languages where it is text.
    CHAMBER_ADDRESS_EN = _env("CHAMBER_ADDRESS_EN", "P.O. Box 1400, Ruwi, Postal Code 112, Muscat, Sultanate of Oman")
    CHAMBER_ADDRESS_AR = _env("CHAMBER_ADDRESS_AR", "ص.ب 1400، روي، الرمز البريدي 112، مسقط، سلطنة عمان")
    CHAMBER_PHONE = _env("CHAMBER_PHONE", "+968 24763700")
    CHAMBER_EMAIL = _env("CHAMBER_EMAIL", "info@chamberoman.om")
    CHAMBER_WEBSITE = _env("CHAMBER_WEBSITE", "https://chamberoman.om")
    CHAMBER_HOURS_EN = _env("CHAMBER_HOURS_EN", "Sunday to Thursday, 7:30 to 14:30")
    CHAMBER_HOURS_AR = _env("CHAMBER_HOURS_AR", "من الأحد إلى الخميس، من 7:30 إلى 14:30")
    # Printed under the signature on certificates (nothing printed when empty).
    CHAMBER_SIGNATORY_NAME_EN = _env("CHAMBER_SIGNATORY_NAME_EN", "")
    CHAMBER_SIGNATORY_NAME_AR = _env("CHAMBER_SIGNATORY_NAME_AR", "")
    CHAMBER_SIGNATORY_TITLE_EN = _env("CHAMBER_SIGNATORY_TITLE_EN", "")
    CHAMBER_SIGNATORY_TITLE_AR = _env("CHAMBER_SIGNATORY_TITLE_AR", "")
    # Every CHAMBER_* value above, the reminder offsets, quiet hours, GRACE_DAYS, ORDER_TTL_MINUTES and
    # JOB_SCHEDULES can be changed by Admin in the back office; an environment variable that is set wins.
    # Each process re-reads the saved values after this many seconds.
    SETTINGS_CACHE_SECONDS = _env_int("SETTINGS_CACHE_SECONDS", 30)
    GRACE_DAYS = _env_int("GRACE_DAYS", 30)
    # How far ahead a membership may be paid: a renewal's new expiry may lie at most this many
    # whole months after the day it is paid for (app.domain.paying_ahead).
    MAX_PAID_AHEAD_MONTHS = _env_int("MAX_PAID_AHEAD_MONTHS", 24)
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
    # Redis down: limits are not refused outright (nobody could log in) but kept in each worker's
    # memory at RATELIMIT_FALLBACK per client address for every limited page, with a warning
    # logged; the shared storage is tried again as requests come and used once it answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK = _env("RATELIMIT_FALLBACK", "10 per minute")
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    # Hosts served besides PUBLIC_BASE_URL's (comma separated, e.g. "www.example.om"); any other Host
    # header is refused with 400. Absolute URLs and redirect checks always use PUBLIC_BASE_URL.
    TRUSTED_HOSTS_EXTRA = _env_words("TRUSTED_HOSTS")
    # Strict-Transport-Security max-age (seconds), sent in production when PUBLIC_BASE_URL is https.
    HSTS_MAX_AGE = _env_int("HSTS_MAX_AGE", 63072000)
    # Further origins forms may post to (the payment gateway's and the IdP's are added by themselves).
    CSP_FORM_ACTION_EXTRA = _env_words("CSP_FORM_ACTION_EXTRA")
    RATELIMIT_CSP_REPORT = _env("RATELIMIT_CSP_REPORT", "30 per minute")  # per client address
    # Web login and API login share these: consecutive failures that lock an account, and for how long.
    LOGIN_LOCKOUT_FAILURES = _env_int("LOGIN_LOCKOUT_FAILURES", 10)
    LOGIN_LOCKOUT_MINUTES = _env_int("LOGIN_LOCKOUT_MINUTES", 15)
    # Signs the audit chain's checkpoints (Ed25519 key derived from this secret); never stored in the
    # database. AUDIT_CHECKPOINT_DIR holds the append-only checkpoint file (default <instance>/audit-checkpoints).
    AUDIT_CHECKPOINT_KEY = _env("AUDIT_CHECKPOINT_KEY")  # outside production create_app makes one under instance/
    AUDIT_CHECKPOINT_DIR = _env("AUDIT_CHECKPOINT_DIR")
    LOGIN_SESSION_KEEP_DAYS = _env_int("LOGIN_SESSION_KEEP_DAYS", 30)  # ended/expired sessions older are purged

    # --- the chamber's signature on issued PDFs (PAdES, app/certificates/signing_keys.py) -----------
    # A PKCS#12 file and its password, or a PKCS#11 token (an HSM; needs python-pkcs11). Production
    # refuses to start without one; outside production an unset key is made once under
    # <instance>/signing/ (a local chamber CA, its signing certificate and a time-stamping one).
    SIGNING_PKCS12 = _env("SIGNING_PKCS12")
    SIGNING_PKCS12_PASSWORD = _env("SIGNING_PKCS12_PASSWORD")  # made per instance outside production
    SIGNING_PKCS11_MODULE = _env("SIGNING_PKCS11_MODULE")
    SIGNING_PKCS11_TOKEN = _env("SIGNING_PKCS11_TOKEN")
    SIGNING_PKCS11_KEY_LABEL = _env("SIGNING_PKCS11_KEY_LABEL")
    SIGNING_PKCS11_PIN = _env("SIGNING_PKCS11_PIN")
    # PEM files (comma separated) of the roots a checked PDF's signer must chain to; default: the
    # self-signed certificates of the signing key's own chain.
    SIGNING_TRUST_ROOTS = _env("SIGNING_TRUST_ROOTS")
    # The RFC 3161 time-stamping authority (required in production) and the roots its tokens chain to
    # (default: SIGNING_TRUST_ROOTS). Without it, outside production, the local CA stamps time itself.
    TSA_URL = _env("TSA_URL")
    TSA_TRUST_ROOTS = _env("TSA_TRUST_ROOTS")
    TSA_TIMEOUT_SECONDS = _env_int("TSA_TIMEOUT_SECONDS", 10)
    # Fetch the chain's revocation data (OCSP/CRL) when signing and embed it (PAdES B-LT).
    SIGNING_FETCH_REVOCATION = _env_bool("SIGNING_FETCH_REVOCATION", PRODUCTION)
    # Staff are warned (readiness check, back-office notice) this many days before the key expires.
    SIGNING_KEY_WARN_DAYS = _env_int("SIGNING_KEY_WARN_DAYS", 30)
    # The public check of an uploaded PDF: largest file accepted, and uploads per client address.
    SIGNED_PDF_MAX_BYTES = _env_int("SIGNED_PDF_MAX_BYTES", 5 * 1024 * 1024)
    RATELIMIT_PDF_CHECK = _env("RATELIMIT_PDF_CHECK", "10 per minute")

    # --- Flask-AppBuilder -----------------------------------------------------------
    FAB_API_SWAGGER_UI = True
    # False keeps FAB's user/role CRUD APIs off; its JWT login (/api/v1/security/login) is always there.
    FAB_ADD_SECURITY_API = False
    API_LOGIN_RATE_LIMIT = _env("API_LOGIN_RATE_LIMIT", "10 per minute")  # per client address
    # API tokens are signed with JWT_SECRET_KEY (default: SECRET_KEY) and live 15 minutes.
    JWT_SECRET_KEY = _env("JWT_SECRET_KEY")
    JWT_ACCESS_TOKEN_EXPIRES = _env_int("JWT_ACCESS_TOKEN_EXPIRES_SECONDS", 900)
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
    # "Select company" reads the member's companies from the registry again at most this often.
    REGISTRY_REFRESH_MINUTES = _env_int("REGISTRY_REFRESH_MINUTES", 10)

    PAYMENT_GATEWAY = _env("PAYMENT_GATEWAY", "sandbox")
    # Ask the gateway to also post each reply server to server to PUBLIC_BASE_URL/payments/notify
    # (so a payment counts even when the customer's browser never comes back).
    PAYMENT_NOTIFY = _env_bool("PAYMENT_NOTIFY", True)
    SANDBOX_GATEWAY_SECRET = _env("SANDBOX_GATEWAY_SECRET")  # made per instance outside production
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

    RECAPTCHA_TIMEOUT = float(_env("RECAPTCHA_TIMEOUT", "5"))

    # --- member accounts --------------------------------------------------------------------
    # Passwords: at least this long, and not in the bundled list of common and breached ones.
    PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 12)
    COMMON_PASSWORDS_FILE = _env("COMMON_PASSWORDS_FILE", str(BASE_DIR / "app" / "data" / "common-passwords.txt"))
    # Email and SMS codes: lifetime, wrong tries before a code dies, and how often one may be resent.
    VERIFICATION_CODE_MINUTES = _env_int("VERIFICATION_CODE_MINUTES", 10)
    VERIFICATION_MAX_ATTEMPTS = _env_int("VERIFICATION_MAX_ATTEMPTS", 5)
    VERIFICATION_RESEND_SECONDS = _env_int("VERIFICATION_RESEND_SECONDS", 60)
    VERIFICATION_SENDS_PER_HOUR = _env_int("VERIFICATION_SENDS_PER_HOUR", 5)
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60)
    # A registration whose email was never verified stops blocking its email and ID number after this.
    ABANDONED_REGISTRATION_HOURS = _env_int("ABANDONED_REGISTRATION_HOURS", 24)
    # A login session ends on logout, on a password reset, or after this many hours.
    LOGIN_SESSION_HOURS = _env_int("LOGIN_SESSION_HOURS", 12)
    # Rate limits (Flask-Limiter notation, ";" between several), per client address and per account.
    RATELIMIT_LOGIN_PER_ADDRESS = _env("RATELIMIT_LOGIN_PER_ADDRESS", "10 per minute")
    RATELIMIT_LOGIN_PER_ACCOUNT = _env("RATELIMIT_LOGIN_PER_ACCOUNT", "5 per minute")
    RATELIMIT_REGISTER_PER_ADDRESS = _env("RATELIMIT_REGISTER_PER_ADDRESS", "5 per minute;30 per hour")
    RATELIMIT_REGISTER_PER_ACCOUNT = _env("RATELIMIT_REGISTER_PER_ACCOUNT", "5 per minute;20 per hour")
    RATELIMIT_CODE_PER_ADDRESS = _env("RATELIMIT_CODE_PER_ADDRESS", "20 per minute")
    RATELIMIT_CODE_PER_ACCOUNT = _env("RATELIMIT_CODE_PER_ACCOUNT", "10 per minute")
    RATELIMIT_RESET_PER_ADDRESS = _env("RATELIMIT_RESET_PER_ADDRESS", "5 per minute;30 per hour")
    RATELIMIT_RESET_PER_ACCOUNT = _env("RATELIMIT_RESET_PER_ACCOUNT", "5 per minute;20 per hour")

    # --- national PKI (SAML) ------------------------------------------------------------
    # Our SP lives at PUBLIC_BASE_URL + /saml/ (entity id and metadata: /saml/metadata/).
    SAML_ENABLED = _env_bool("SAML_ENABLED", True)
    # The built-in development IdP at /dev-idp/ (any PIN, any civil ID); refused in production.
    DEV_IDP_ENABLED = _env_bool("DEV_IDP_ENABLED", not PRODUCTION)
    SAML_CIVIL_ID_ATTRIBUTE = _env("SAML_CIVIL_ID_ATTRIBUTE", "urn:oid:1.3.6.1.4.1.50000.1.1")
    # The national IdP's metadata XML, as a file path or as the text itself (default: the dev IdP's).
    SAML_IDP_METADATA_FILE = _env("SAML_IDP_METADATA_FILE")
    SAML_IDP_METADATA = _env("SAML_IDP_METADATA")
    # Our signing certificate and key (PEM), as files outside the source tree or as text;
    # development makes a pair once under instance/saml/.
    SAML_SP_CERT_FILE = _env("SAML_SP_CERT_FILE")
    SAML_SP_KEY_FILE = _env("SAML_SP_KEY_FILE")
    SAML_SP_CERT = _env("SAML_SP_CERT")
    SAML_SP_KEY = _env("SAML_SP_KEY")
    # How old the authentication behind a transaction's identity check may be.
    SAML_STEP_UP_MAX_AGE_SECONDS = _env_int("SAML_STEP_UP_MAX_AGE_SECONDS", 300)
    # Allowance for the IdP's clock in NotBefore/NotOnOrAfter and AuthnInstant checks.
    SAML_CLOCK_SKEW_SECONDS = _env_int("SAML_CLOCK_SKEW_SECONDS", 60)

    # --- scheduled jobs --------------------------------------------------------------------
    REMINDER_OFFSETS_DAYS = _env_list("REMINDER_OFFSETS_DAYS", [30, 7, 1, -7])
    QUIET_HOURS = (_env("QUIET_HOURS_START", "21:00"), _env("QUIET_HOURS_END", "08:00"))
    JOB_SCHEDULES = json.loads(_env("JOB_SCHEDULES", "{}"))  # overrides per job: {"name": "cron expr"}
    RECONCILE_AFTER_MINUTES = _env_int("RECONCILE_AFTER_MINUTES", 30)  # 0: ask about an attempt at once
    # How long the gateway is asked about a payment attempt it has not answered.
    PAYMENT_ANSWER_HOURS = _env_int("PAYMENT_ANSWER_HOURS", 72)
    SCHEDULER_IN_DEV_SERVER = _env_bool("SCHEDULER_IN_DEV_SERVER", True)
    # The last offset's reminder stays due this many days (see app/domain/reminders.py: catch-up rule).
    REMINDER_LAST_WINDOW_DAYS = _env_int("REMINDER_LAST_WINDOW_DAYS", 7)
    # Lease of a job's lock on SQLite (PostgreSQL uses advisory locks); a run renews it between batches.
    JOB_LOCK_LEASE_MINUTES = _env_int("JOB_LOCK_LEASE_MINUTES", 15)
    JOB_RUN_KEEP_DAYS = _env_int("JOB_RUN_KEEP_DAYS", 90)  # job history older than this is pruned
    REGISTRY_SYNC_BATCH = _env_int("REGISTRY_SYNC_BATCH", 1000)  # companies per committed batch
    REGISTRY_FULL_SYNC_BATCH = _env_int("REGISTRY_FULL_SYNC_BATCH", 10000)  # the same for a full import
    # Writer threads of a sync on PostgreSQL (batches with no company in common written side by side); 0: in line.
    REGISTRY_SYNC_WRITERS = _env_int("REGISTRY_SYNC_WRITERS", 2)

    # --- operations: logs, health, metrics ----------------------------------------------------
    # "json": every log line is one JSON object (a line per request and per job run); "text": readable.
    LOG_FORMAT = _env("LOG_FORMAT", "json" if PRODUCTION else "text")
    # /metrics answers `Authorization: Bearer METRICS_TOKEN`, or peers in METRICS_ALLOW_FROM
    # (addresses or networks, "," between; the connection's own address, not X-Forwarded-For).
    # Neither set: /metrics is off (404). The token also shows /readyz's details.
    METRICS_TOKEN = _env("METRICS_TOKEN")
    METRICS_ALLOW_FROM = _env("METRICS_ALLOW_FROM", "")
    # The scheduler process records a heartbeat this often; /readyz fails when the newest is older
    # than SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS (0: /readyz does not look at the scheduler).
    SCHEDULER_HEARTBEAT_SECONDS = _env_int("SCHEDULER_HEARTBEAT_SECONDS", 30)
    SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS = _env_int("SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS", 180 if PRODUCTION else 0)
    # While the database is down pages answer 503 with this Retry-After (seconds).
    OUTAGE_RETRY_AFTER_SECONDS = _env_int("OUTAGE_RETRY_AFTER_SECONDS", 30)

    # --- back office at scale ------------------------------------------------------------
    # Seconds a worker reuses a list's or a search's row count, a list's empty search form and the
    # options of a small table's select box (grades, governorates); 0 recomputes them for every
    # page. Changes the same worker commits drop them at once; other workers' changes show within
    # this time.
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
    API_LOGIN_RATE_LIMIT = "1000 per minute"  # tests log in often; the limit itself is tested with its own value
    SCHEDULER_IN_DEV_SERVER = False
    TRUSTED_HOSTS_EXTRA = ["localhost"]  # the test client's host
    AUDIT_CHECKPOINT_KEY = "test-audit-checkpoint-key"
    RECAPTCHA_SITE_KEY = None  # tests that need the captcha set keys and a local verify endpoint
    RECAPTCHA_SECRET_KEY = None
    # A lighter scrypt work factor: the suite hashes hundreds of passwords. Production keeps
    # werkzeug's default (N=32768); FAB's decoy hash for unknown users matches the light one.
    FAB_PASSWORD_HASH_METHOD = "scrypt:4096:8:1"
    AUTH_DB_FAKE_PASSWORD_HASH_CHECK = (
        "scrypt:4096:8:1$1U4927iox8ZvzXIK$0f2cbb487c0094a323f5d4b805c"
        "d67a8d916a0b3f3bd73db70ebef768f0e9b792d30cfd31ffb17a0faceacd62f88bcca9a7e7ba3b854e73dd423af86afe87590")
    SERVER_NAME = None
