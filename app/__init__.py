"""Ghurfa: the chamber's e-services portal and back office. create_app() is the only place an app is built."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from flask_appbuilder import AppBuilder
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_sqlalchemy.session import Session as FsaSession

from app.extensions import csrf, db, install_engine_hooks, limiter



class ConfigurationError(RuntimeError):
    """The configuration is unsafe or incomplete for the environment it names."""


def _check_configuration(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        raise ConfigurationError("SECRET_KEY must be set (from the environment) in production.")
    if app.config.get("PRODUCTION"):
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        if uri.startswith("sqlite"):
            raise ConfigurationError("Production needs DATABASE_URL pointing at PostgreSQL.")
        if app.config.get("PAYMENT_GATEWAY") == "sandbox":
            raise ConfigurationError("The sandbox payment gateway cannot run in production.")
        if not app.config.get("AUDIT_CHECKPOINT_KEY"):
            raise ConfigurationError("AUDIT_CHECKPOINT_KEY must be set (from the environment) in production.")
        if app.config.get("DEV_IDP_ENABLED"):
            raise ConfigurationError("The development identity provider cannot run in production.")
        from app.certificates.signing_keys import configured

        if not configured(app.config):
            raise ConfigurationError("A signing key (SIGNING_PKCS12 and SIGNING_PKCS12_PASSWORD, or "
                                     "SIGNING_PKCS11_MODULE) must be configured in production.")
        if not app.config.get("TSA_URL"):
            raise ConfigurationError("TSA_URL (the RFC 3161 time-stamping authority) must be set in production.")


# Secrets an instance outside production makes for itself when none is configured.
DEVELOPMENT_SECRETS = {"SECRET_KEY": "secret_key", "SANDBOX_GATEWAY_SECRET": "sandbox_gateway",
                       "AUDIT_CHECKPOINT_KEY": "audit_checkpoint_key",
                       "SIGNING_PKCS12_PASSWORD": "signing_pkcs12_password"}


def _fill_development_secrets(app: Flask) -> None:
    """Outside production, an unset secret is read from (or made once in) INSTANCE_DIR/secrets/."""
    if app.config.get("PRODUCTION"):
        return
    folder = Path(app.instance_path) / "secrets"
    for key, name in DEVELOPMENT_SECRETS.items():
        if app.config.get(key):
            continue
        path = folder / name
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        app.config[key] = path.read_text().strip()


def create_app(config: object | None = None, **overrides) -> Flask:
    """Builds a Ghurfa app from a config object (default: config.Config) plus overrides."""
    from config import Config

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.from_object(config or Config)
    app.config.update(overrides)
    app.instance_path = app.config["INSTANCE_DIR"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _fill_development_secrets(app)
    # Nothing touches the database while the app is built: `flask ghurfa init` (or run.py)
    # migrates, then creates roles and permissions.
    app.config["FAB_UPDATE_PERMS"] = False
    app.config["FAB_CREATE_DB"] = False
    _check_configuration(app)
    _configure_logging(app)
    _prepare_development_signing_key(app)
    from app import operations

    # First: every request gets its id and its log line before any other hook runs.
    operations.install(app)

    from app import http_security

    http_security.install(app)

    if app.config.get("PROXY_FIX_HOPS"):
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from app import i18n
    from app.permissions import FAB_ROLES
    from app.security import GhurfaSecurityManager
    from app.services.audit import trail as audit

    app.config["FAB_ROLES"] = FAB_ROLES
    # FAB's own password screens (reset my password, reset password, add user) apply Ghurfa's policy.
    from app.services.accounts import staff_passwords

    staff_passwords.install(app)
    app.config["APP_NAME"] = _chamber_name(app)
    app.config.update(i18n.I18N_CONFIG)

    import models  # noqa: F401  (registers every table)

    models.Membership.status_clock = _membership_status_clock

    install_engine_hooks()
    db.init_app(app)
    audit.install(FsaSession)
    from app.services.certificates.lifecycle import watch_certificates

    watch_certificates(FsaSession)
    csrf.init_app(app)
    limiter.init_app(app)

    _init_payment_gateway(app)
    from app import fab_guards

    fab_guards.install()
    with app.app_context():
        from views.home import HomeView

        appbuilder = AppBuilder(security_manager_class=GhurfaSecurityManager, indexview=HomeView)
        appbuilder.init_app(app, db.session)
        # FAB builds Flask-Babel inside init_app with its own locale selector; ours replaces it.
        i18n.register_i18n(app)
        from views.display import register_display

        register_display(app)
        from views import register_views

        register_views(appbuilder)

    _register_sandbox_pages(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _membership_status_clock():
    """Today's date and the grace period of the app serving the request, for Membership.status."""
    from flask import current_app

    from app.infrastructure.clock import today

    from app.services.settings.policies import grace_days

    return today(current_app.config), grace_days(current_app.config)


def _chamber_name(app: Flask):
    """The chamber's name in the reader's language, wherever FAB prints APP_NAME."""
    from flask_babel import LazyString, get_locale
    from markupsafe import escape

    from flask import has_app_context

    def name() -> str:
        language = "ar" if str(get_locale() or "en").startswith("ar") else "en"
        if has_app_context():
            from app.services.settings.chamber_details import chamber_details_or_defaults

            return chamber_details_or_defaults().in_language("name", language)
        return app.config["CHAMBER_NAME_AR"] if language == "ar" else app.config["CHAMBER_NAME_EN"]

    # Escaped here: FAB prints APP_NAME through LazyString.__html__, which Jinja trusts as markup.
    return LazyString(lambda: escape(name()))


def _init_payment_gateway(app: Flask) -> None:
    """The one gateway of this app (app/services/payments/gateway.py); a bad configuration stops here."""
    from app.services.payments.gateway import init_gateway

    init_gateway(app)


def _register_sandbox_pages(app: Flask) -> None:
    """The sandbox's hosted pages are served by Ghurfa itself (never in production), with the app's gateway."""
    from app.services.payments.gateway import gateway_name, payment_gateway

    if gateway_name(app.config) != "sandbox":
        return
    from app.adapters.payments.sandbox_pages import init_sandbox_pages

    init_sandbox_pages(app, payment_gateway(app))


def _prepare_development_signing_key(app: Flask) -> None:
    """Outside production with no signing key configured: a local chamber CA under instance/signing/."""
    from app.certificates.signing_keys import configured, prepare_development_key

    if app.config.get("PRODUCTION") or configured(app.config):
        return
    import datetime as dt
    import logging

    if prepare_development_key(app.config, Path(app.instance_path), now=dt.datetime.now(dt.timezone.utc)):
        logging.getLogger("ghurfa.signing").warning(
            "development: made a local chamber CA and signing certificate under %s; PDFs signed with it "
            "are not trusted outside this instance", Path(app.instance_path) / "signing")


def _configure_logging(app: Flask) -> None:
    from app.operations.logs import configure

    configure(app.config.get("LOG_FORMAT") or "text")
