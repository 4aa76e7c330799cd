"""The read-only REST API for auditors (Flask-AppBuilder ModelRestApi, OpenAPI at /api/v1/_openapi)."""
from __future__ import annotations

from flask import current_app, jsonify
from flask_appbuilder import AppBuilder


def _unauthorized(reason: str):
    # flask-jwt-extended answers a malformed or forged token with 422; it is a failed authentication.
    response = jsonify({"message": reason})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


class _PreparedSchemas:
    """FAB validates every API request's `q` with jsonschema.validate, which re-checks the schema itself
    against the metaschema each time (about 0.2 s of CPU per request with jsonschema 4.26). Its schemas are
    module constants, so each is checked once and its validator kept."""

    def __init__(self, module) -> None:
        self._module = module
        self._validators: dict[int, tuple[object, object]] = {}

    def __getattr__(self, name):
        return getattr(self._module, name)

    def validate(self, instance, schema) -> None:
        kept = self._validators.get(id(schema))
        if kept is None or kept[0] is not schema:
            cls = self._module.validators.validator_for(schema)
            cls.check_schema(schema)
            kept = self._validators[id(schema)] = (schema, cls(schema))
        error = self._module.exceptions.best_match(kept[1].iter_errors(instance))
        if error is not None:
            raise error


def _prepare_rison_schemas() -> None:
    import flask_appbuilder.api as fab_api

    if not isinstance(fab_api.jsonschema, _PreparedSchemas):
        fab_api.jsonschema = _PreparedSchemas(fab_api.jsonschema)


_LIMITED_BLUEPRINTS: set[str] = set()


def register(appbuilder: AppBuilder) -> None:
    from app.extensions import limiter
    from views.api import resources
    from views.portal.limits import login_account_limit

    _prepare_rison_schemas()
    for api in resources.READ_ONLY_APIS:
        appbuilder.add_api(api)
    jwt = current_app.extensions.get("flask-jwt-extended")
    if jwt is not None:
        jwt.invalid_token_loader(_unauthorized)
        jwt.token_verification_failed_loader(lambda header, payload: _unauthorized("Token verification failed"))
    # FAB always offers /api/v1/security/login (JWT); it is a password door like the login form, so it is rate limited.
    for view in appbuilder.baseviews:
        if view.__class__.__name__ == "SecurityApi" and getattr(view, "blueprint", None) is not None:
            # The limiter is one for the process and keeps limits by blueprint name: add them once,
            # or every app built in the process would count each attempt again.
            if view.blueprint.name in _LIMITED_BLUEPRINTS:
                continue
            _LIMITED_BLUEPRINTS.add(view.blueprint.name)
            limiter.limit(lambda: current_app.config["API_LOGIN_RATE_LIMIT"], methods=["POST"])(view.blueprint)
            # ...and it shares the login form's per-account limit (and, in auth_user_db, its lockout).
            login_account_limit()(view.blueprint)
