"""The read-only REST API for auditors (Flask-AppBuilder ModelRestApi, OpenAPI at /api/v1/_openapi)."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder


def register(appbuilder: AppBuilder) -> None:
    from app.extensions import limiter
    from views.api import resources

    for api in resources.READ_ONLY_APIS:
        appbuilder.add_api(api)
    # FAB always offers /api/v1/security/login (JWT); it is a password door like the login form, so it is rate limited.
    for view in appbuilder.baseviews:
        if view.__class__.__name__ == "SecurityApi" and getattr(view, "blueprint", None) is not None:
            limiter.limit(lambda: current_app.config["API_LOGIN_RATE_LIMIT"], methods=["POST"])(view.blueprint)
