"""Ghurfa: the chamber's e-services portal and back office. create_app() is the only place an app is built."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_appbuilder import AppBuilder
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_sqlalchemy.session import Session as FsaSession

from app.extensions import csrf, db, install_engine_hooks, limiter, migrate

BASE_DIR = Path(__file__).resolve().parent.parent


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
        if app.config.get("DEV_IDP_ENABLED"):
            raise ConfigurationError("The development identity provider cannot run in production.")


def create_app(config: object | None = None, **overrides) -> Flask:
    """Builds a Ghurfa app from a config object (default: config.Config) plus overrides."""
    from config import Config

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.from_object(config or Config)
    app.config.update(overrides)
    app.instance_path = app.config["INSTANCE_DIR"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Nothing touches the database while the app is built: `flask ghurfa init` (or run.py)
    # migrates, then creates roles and permissions.
    app.config["FAB_UPDATE_PERMS"] = False
    app.config["FAB_CREATE_DB"] = False
    _check_configuration(app)
    _configure_logging(app)

    if app.config.get("PROXY_FIX_HOPS"):
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from app import i18n
    from app.permissions import FAB_ROLES
    from app.security import GhurfaSecurityManager
    from app.services.audit import trail as audit

    app.config["FAB_ROLES"] = FAB_ROLES
    app.config["APP_NAME"] = _chamber_name(app)
    app.config.update(i18n.I18N_CONFIG)

    import models  # noqa: F401  (registers every table)

    install_engine_hooks()
    db.init_app(app)
    audit.install(FsaSession)
    from app.services.certificates.lifecycle import watch_certificates

    watch_certificates(FsaSession)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)

    _init_payment_gateway(app)
    with app.app_context():
        from views.home import HomeView

        appbuilder = AppBuilder(security_manager_class=GhurfaSecurityManager, indexview=HomeView)
        appbuilder.init_app(app, db.session)
        # FAB builds Flask-Babel inside init_app with its own locale selector; ours replaces it.
        i18n.register_i18n(app)
        from views import register_views

        register_views(appbuilder)

    _register_sandbox_pages(app)
    app.after_request(_security_headers)

    from app.cli import register_cli

    register_cli(app)
    return app


def _chamber_name(app: Flask):
    """The chamber's name in the reader's language, wherever FAB prints APP_NAME."""
    from flask_babel import LazyString, get_locale
    from markupsafe import escape

    name_en, name_ar = app.config["CHAMBER_NAME_EN"], app.config["CHAMBER_NAME_AR"]
    # Escaped here: FAB prints APP_NAME through LazyString.__html__, which Jinja trusts as markup.
    return LazyString(lambda: escape(name_ar if str(get_locale() or "en").startswith("ar") else name_en))


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


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


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("ghurfa").setLevel(logging.INFO)
