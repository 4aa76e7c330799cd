"""Prometheus metrics: protected, complete, and added up over several gunicorn workers."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests

from tests.integration.operations.flask_process import ROOT, flask_env, run_flask
from tests.integration.operations.servers import free_port

TOKEN = "metrics-test-token"


def _value(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name + ("{" if labels else "")):
            continue
        head, _, value = line.rpartition(" ")
        if all(f'{key}="{label}"' in head for key, label in labels.items()):
            total += float(value)
    return total


def test_metrics_answer_only_the_token_or_an_allowed_address(app, client, monkeypatch):
    assert client.get("/metrics").status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    monkeypatch.setitem(app.config, "METRICS_ALLOW_FROM", "10.0.0.0/8")
    # X-Forwarded-For does not make a stranger local.
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                      headers={"X-Forwarded-For": "10.1.1.1"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def test_metrics_name_requests_orders_outbox_jobs_logins_and_registry_lag(app, client, monkeypatch):
    import datetime as dt

    from app.extensions import db
    from jobs.scheduler import run_now
    from models import Notification, RegistrySyncState

    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    with app.app_context():
        db.session.add(Notification(channel="sms", recipient="+96890000000", template="t", status="queued", next_attempt_at=dt.datetime.utcnow() + dt.timedelta(days=1),
                                    language="en", body="x"))
        db.session.add(RegistrySyncState(id=1, companies_seen=0,
                                         last_finished_at=dt.datetime.utcnow() - dt.timedelta(minutes=5)))
        db.session.commit()
    assert run_now(app, "reconcile_payments", trigger="manual").status == "ok"
    client.post("/login/", data={"username": "nobody@example.om", "password": "wrong password!"})
    client.get("/healthz")
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert _value(text, "ghurfa_http_requests_total", endpoint="healthz", status="200") >= 1
    assert _value(text, "ghurfa_http_request_duration_seconds_count", endpoint="healthz") >= 1
    assert _value(text, "ghurfa_job_runs_total", job="reconcile_payments", result="ok") >= 1
    assert _value(text, "ghurfa_job_run_duration_seconds_count", job="reconcile_payments") >= 1
    assert _value(text, "ghurfa_outbox_backlog", channel="sms") == 1
    assert _value(text, "ghurfa_outbox_failed", channel="email") == 0
    assert 250 <= _value(text, "ghurfa_registry_sync_lag_seconds") < 3600
    assert _value(text, "ghurfa_database_up") == 1
    for name in ("ghurfa_certificates_issued", "ghurfa_orders", "ghurfa_payment_replies",
                 "ghurfa_login_failures", "ghurfa_rate_limit_refusals"):
        assert f"# TYPE {name}" in text, name


def _worker_files(tmp_path) -> set[str]:
    return {name.rsplit("_", 1)[-1] for name in os.listdir(tmp_path / "metrics") if name.startswith("counter_")}


@pytest.mark.slow
def test_several_gunicorn_workers_report_their_requests_together(app, tmp_path):
    port = free_port()
    # A database of its own: booting workers write FAB's permissions, and must not wait on the suite's.
    database = f"sqlite:///{tmp_path / 'gunicorn.db'}"
    upgraded = run_flask(app, "db", "upgrade", DATABASE_URL=database)
    assert upgraded.returncode == 0, upgraded.stderr
    env = flask_env(app, METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
                    GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2", DATABASE_URL=database)
    # Its log goes to a file: a pipe nobody reads fills up and stops the workers mid-request.
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=60)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        sent, deadline = 1, time.monotonic() + 60
        while sent < 20 or len(_worker_files(tmp_path)) < 2:  # until both workers have answered some
            assert time.monotonic() < deadline, _worker_files(tmp_path)
            requests.get(f"{base}/healthz", timeout=30, headers={"Connection": "close"})
            sent += 1
        text = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).text
        # Whichever worker answers the scrape, it counts every worker's requests.
        assert _value(text, "ghurfa_http_requests_total", endpoint="healthz", status="200") == sent
        log_line = requests.get(f"{base}/healthz", timeout=5).headers["X-Request-Id"]
        assert len(log_line) == 32
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
