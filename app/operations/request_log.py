"""Every request gets an id (X-Request-Id, kept from the proxy when well formed), counted SQL
statements, and one JSON log line when it ends: id, user or anonymous, route, status, duration.

The id is `g.request_id` for pages (error pages show it so a member can quote it) and is
returned in the X-Request-Id header.
"""
from __future__ import annotations

import contextvars
import re
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.operations.logs import log_event

HEADER = "X-Request-Id"
# nginx's $request_id is 32 hex digits; anything else a client sends is replaced.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_sql_statements: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("ghurfa_sql", default=None)


def _count_statement(conn, cursor, statement, parameters, context, executemany) -> None:
    counter = _sql_statements.get()
    if counter is not None:
        counter[0] += 1


def new_request_id() -> str:
    return uuid.uuid4().hex


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _WELL_FORMED.match(incoming) else new_request_id()
    g.request_started = time.perf_counter()
    g.sql_counter = [0]
    _sql_statements.set(g.sql_counter)


def _user_id() -> str:
    # The user Flask-Login already loaded for this request, if any (never a query from here).
    user = g.get("_login_user")
    try:
        if user is not None and user.is_authenticated:
            return str(user.get_id())
    except Exception:  # a user object whose session died with the database
        pass
    return "anonymous"


def _finish(response):
    request_id = g.get("request_id") or new_request_id()
    response.headers[HEADER] = request_id
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    counter = g.get("sql_counter") or [0]
    log_event("ghurfa.requests", "request", request_id=request_id, user=_user_id(), method=request.method,
              route=route, status=response.status_code, duration_ms=round(seconds * 1000, 1), sql=counter[0])
    from app.operations.metrics import observe_request

    observe_request(request.endpoint or "unmatched", request.method, response.status_code, seconds)
    return response


def install(app: Flask) -> None:
    if not event.contains(Engine, "before_cursor_execute", _count_statement):
        event.listen(Engine, "before_cursor_execute", _count_statement)
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(lambda exc: _sql_statements.set(None))
