"""What lets a chamber's IT team run Ghurfa: request ids and JSON logs, health and readiness,
Prometheus metrics, the page shown while the database is down, and `flask doctor`.

`install(app)` wires them into an app; create_app() calls it before anything else registers
request hooks, so every request has its id before any other code runs.
"""
from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    from app.operations import health, metrics, outage, request_log

    request_log.install(app)
    metrics.install(app)
    outage.install(app)
    health.install(app)
