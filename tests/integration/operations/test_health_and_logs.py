"""/healthz and /readyz, the scheduler heartbeat, and the JSON line per request and per job run."""
from __future__ import annotations

import datetime as dt
import json
import logging

from tests.integration.helpers import login, make_user


def _events(caplog, logger: str) -> list[dict]:
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == logger]


def test_healthz_and_readyz_tell_the_public_nothing_more(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ready"}


def test_readyz_follows_the_scheduler_heartbeat_and_shows_details_to_staff(app, client, monkeypatch):
    from app.operations.heartbeat import beat

    monkeypatch.setitem(app.config, "SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS", 120)
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "health-test-token")
    never = client.get("/readyz", headers={"Authorization": "Bearer health-test-token"})
    assert never.status_code == 503
    assert never.json["checks"]["scheduler"] == {"ok": False, "detail": "no heartbeat recorded"}
    assert never.json["checks"]["database"]["ok"] and never.json["checks"]["migrations"]["ok"]
    beat(app)
    assert client.get("/readyz").status_code == 200
    # Three minutes later without a beat: the scheduler is taken for dead.
    monkeypatch.setitem(app.config, "CLOCK_NOW", dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=3))
    stale = client.get("/readyz")
    assert stale.status_code == 503 and stale.json == {"status": "not ready"}
    make_user(app, "opsstaff", "Staff")
    staff = app.test_client()
    login(staff, "opsstaff")
    detail = staff.get("/readyz").json
    assert detail["checks"]["scheduler"]["ok"] is False and "s ago" in detail["checks"]["scheduler"]["detail"]


def test_migrations_behind_the_code_make_the_app_not_ready(app, client, monkeypatch):
    from app.operations import health

    monkeypatch.setattr(health, "migration_heads", lambda directory: frozenset({"9999_future"}))
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "health-test-token")
    answer = client.get("/readyz", headers={"Authorization": "Bearer health-test-token"})
    assert answer.status_code == 503
    assert "code expects 9999_future" in answer.json["checks"]["migrations"]["detail"]


def test_one_json_line_per_request_with_its_id_user_route_status_and_sql_count(app, client, caplog):
    caplog.set_level(logging.INFO, logger="ghurfa.requests")
    answer = client.get("/verify/", headers={"X-Request-Id": "from-nginx-0001"})
    assert answer.headers["X-Request-Id"] == "from-nginx-0001"
    forged = client.get("/healthz", headers={"X-Request-Id": '"}, {"user": "admin'})
    assert len(forged.headers["X-Request-Id"]) == 32  # not well formed: replaced
    user_id = make_user(app, "opslogs", "Admin")
    login(client, "opslogs")
    client.get("/jobrunview/list/")
    events = _events(caplog, "ghurfa.requests")
    first = next(event for event in events if event["request_id"] == "from-nginx-0001")
    assert first["event"] == "request" and first["user"] == "anonymous" and first["route"] == "/verify/"
    assert first["status"] == 200 and first["duration_ms"] >= 0 and first["method"] == "GET"
    listed = [event for event in events if event["route"] == "/jobrunview/list/"]
    assert listed and listed[-1]["user"] == str(user_id) and listed[-1]["sql"] > 0


def test_one_json_line_per_job_run(app, caplog):
    from jobs.scheduler import run_now

    caplog.set_level(logging.INFO, logger="ghurfa.jobs.runs")
    result = run_now(app, "outbox", trigger="manual")
    (event,) = [event for event in _events(caplog, "ghurfa.jobs.runs") if event["run_id"] == result.run_id]
    assert event["event"] == "job_run" and event["job"] == "outbox" and event["status"] == "ok"
    assert event["trigger"] == "manual" and event["duration_ms"] >= 0 and event["error"] is None


def test_json_log_format_writes_every_line_as_an_object():
    from app.operations.logs import JsonFormatter

    record = logging.LogRecord("ghurfa.x", logging.WARNING, __file__, 1, "plain %s", ("text",), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "plain text" and line["level"] == "warning" and line["logger"] == "ghurfa.x"
    with_event = logging.LogRecord("ghurfa.requests", logging.INFO, __file__, 1, "{}", (), None)
    with_event.ghurfa_event = {"event": "request", "status": 200}
    assert json.loads(JsonFormatter().format(with_event))["status"] == 200
