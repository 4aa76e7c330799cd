"""While the database is down: a styled 503 in the reader's language, with Retry-After and the request id.

The page is rendered from a template that needs nothing from the database (not even the
logged-in user), so it can always be shown. Errors that are not about reaching the database
(a constraint refused, say) are left to the ordinary 500 page.
"""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger("ghurfa.outage")

# Read by machines (load balancers, Prometheus): a JSON answer rather than a page.
MACHINE_ENDPOINTS = ("healthz", "readyz", "metrics")
UNAVAILABLE = (OperationalError, InterfaceError, PendingRollbackError, PoolTimeout)


def database_unavailable(error):
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the session is discarded at teardown
        pass
    log.warning("database unavailable (request %s): %s", g.get("request_id"), type(error).__name__)
    from flask import current_app

    retry_after = int(current_app.config.get("OUTAGE_RETRY_AFTER_SECONDS") or 30)
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
    if request.endpoint in MACHINE_ENDPOINTS:
        return jsonify(status="not ready"), 503, headers
    try:
        body = render_template("outage/503.html", request_id=g.get("request_id"), retry_after=retry_after)
    except Exception:  # never a traceback instead of the page
        log.exception("the 503 page could not be rendered")
        body = ("<!doctype html><meta charset=utf-8><title>503</title><p>Service temporarily unavailable. "
                "الخدمة غير متاحة مؤقتاً.</p>")
    return body, 503, headers


def install(app: Flask) -> None:
    for kind in UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)
