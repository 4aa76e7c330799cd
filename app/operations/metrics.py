"""Prometheus metrics at /metrics, for one process or several gunicorn workers.

Counted where they happen (in whichever process): requests by endpoint, method and status
with latency histograms, payment replies by decision, job runs by job and result with their
durations, login failures and rate-limit refusals. Read from the database at each scrape
(the same from any worker): orders by service and state, the outbox backlog and failures by
channel, the registry sync lag and the certificates issued.

Several workers: set PROMETHEUS_MULTIPROC_DIR (an empty directory, the same for the web
workers and the scheduler) in their environment; prometheus_client then keeps each
process's values in files there and /metrics adds them up (deploy/gunicorn.conf.py tells
it when a worker exits).

/metrics answers only a request carrying `Authorization: Bearer METRICS_TOKEN`, or one
whose peer address (before any proxy headers) is in METRICS_ALLOW_FROM; otherwise 404.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from flask import Flask, Response, abort, current_app, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("ghurfa.metrics")

REQUESTS = Counter("ghurfa_http_requests", "HTTP requests answered", ["endpoint", "method", "status"])
REQUEST_SECONDS = Histogram("ghurfa_http_request_duration_seconds", "Time to answer a request", ["endpoint"],
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
PAYMENT_REPLIES = Counter("ghurfa_payment_replies", "Verified payment gateway replies", ["decision", "source"])
JOB_RUNS = Counter("ghurfa_job_runs", "Scheduled job runs", ["job", "result"])
JOB_SECONDS = Histogram("ghurfa_job_run_duration_seconds", "Duration of job runs", ["job"],
                        buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600))
LOGIN_FAILURES = Counter("ghurfa_login_failures", "Password logins refused", ["kind"])
RATE_LIMITED = Counter("ghurfa_rate_limit_refusals", "Requests refused by a rate limit", ["endpoint"])


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    if endpoint == "metrics":
        return
    REQUESTS.labels(endpoint, method, str(status)).inc()
    REQUEST_SECONDS.labels(endpoint).observe(seconds)


def observe_job_run(job: str, result: str, seconds: float) -> None:
    JOB_RUNS.labels(job, result).inc()
    JOB_SECONDS.labels(job).observe(seconds)


def observe_payment_reply(decision: str, source: str) -> None:
    PAYMENT_REPLIES.labels(decision, source).inc()


def observe_login_failure(kind: str = "password") -> None:
    LOGIN_FAILURES.labels(kind).inc()


def observe_rate_limited(endpoint: str | None) -> None:
    RATE_LIMITED.labels(endpoint or "unmatched").inc()


class DatabaseCollector:
    """Gauges read from the database when Prometheus scrapes (any worker gives the same answer)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        from sqlalchemy import func, select

        from app.extensions import db
        from app.infrastructure.clock import now_utc
        from models import Certificate, Notification, RegistrySyncState, ServiceOrder

        up = GaugeMetricFamily("ghurfa_database_up", "1 when the database answered this scrape")
        try:
            with self.app.app_context():
                session = db.session
                orders = GaugeMetricFamily("ghurfa_orders", "Service orders by service and state",
                                           labels=["service", "state"])
                for service, state, count in session.execute(
                        select(ServiceOrder.service, ServiceOrder.status, func.count())
                        .group_by(ServiceOrder.service, ServiceOrder.status)):
                    orders.add_metric([service, state], count)
                backlog = GaugeMetricFamily("ghurfa_outbox_backlog", "Messages waiting to be sent", labels=["channel"])
                failed = GaugeMetricFamily("ghurfa_outbox_failed", "Messages given up after every attempt",
                                           labels=["channel"])
                by_channel = {("email", "backlog"): 0, ("sms", "backlog"): 0, ("email", "failed"): 0,
                              ("sms", "failed"): 0}
                for channel, status, count in session.execute(
                        select(Notification.channel, Notification.status, func.count())
                        .where(Notification.status.in_(("queued", "sending", "failed")))
                        .group_by(Notification.channel, Notification.status)):
                    kind = "failed" if status == "failed" else "backlog"
                    by_channel[(channel, kind)] = by_channel.get((channel, kind), 0) + count
                for (channel, kind), count in sorted(by_channel.items()):
                    (failed if kind == "failed" else backlog).add_metric([channel], count)
                certificates = GaugeMetricFamily("ghurfa_certificates_issued", "Certificates issued (all time)")
                certificates.add_metric([], session.scalar(select(func.count()).select_from(Certificate)) or 0)
                lag = GaugeMetricFamily("ghurfa_registry_sync_lag_seconds",
                                        "Seconds since the last registry sync finished (absent: never)")
                state = session.get(RegistrySyncState, 1)
                if state is not None and state.last_finished_at is not None:
                    now = now_utc(self.app.config)
                    lag.add_metric([], max(0.0, (now - state.last_finished_at).total_seconds()))
        except Exception as exc:  # the scrape still answers, saying the database did not
            log.warning("metrics: the database did not answer: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield from (up, orders, backlog, failed, certificates, lag)


def _allowed() -> bool:
    config = current_app.config
    token = config.get("METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    allowed = [part.strip() for part in (config.get("METRICS_ALLOW_FROM") or "").split(",") if part.strip()]
    if not allowed:
        return False
    # The address of the peer that opened the connection, not one named in X-Forwarded-For.
    peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR")
    try:
        address = ipaddress.ip_address(peer or "")
        return any(address in ipaddress.ip_network(net, strict=False) for net in allowed)
    except ValueError:
        return False


def metrics_view():
    if not _allowed():
        abort(404)
    registry = CollectorRegistry()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    output = generate_latest(registry)
    output += generate_latest(_database_registry(current_app._get_current_object()))
    return Response(output, mimetype=CONTENT_TYPE_LATEST)


def _database_registry(app: Flask) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(app))
    return registry


def install(app: Flask) -> None:
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
    from app.extensions import csrf

    csrf.exempt(metrics_view)
