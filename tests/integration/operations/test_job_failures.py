"""Jobs under failure: a run killed with its process is marked abandoned once its lock is free
(lease expired or connection gone), and `flask registry sync` against a failing registry says
so in one line and exits 1."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from app.adapters.registry.dev_server import Fault, RegistryDevServer
from app.adapters.registry.file_registry import DEMO_REGISTRY_FILE
from app.extensions import db
from models import JobRun
from tests.integration.operations.flask_process import run_flask, start_flask


@pytest.fixture
def registry():
    with RegistryDevServer(DEMO_REGISTRY_FILE, prefix="/api/v1") as server:
        yield server


def _registry_env(server, timeout: str = "5") -> dict[str, str]:
    return {"REGISTRY_BACKEND": "http", "REGISTRY_URL": server.base_url, "REGISTRY_TIMEOUT": timeout}


def test_registry_sync_against_a_failing_registry_prints_one_clear_line(app, registry):
    registry.fault = Fault.UNAVAILABLE
    result = run_flask(app, "registry", "sync", **_registry_env(registry))
    assert result.returncode == 1
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("registry_sync: failed (job run #")
    assert "RegistryUnavailable" in lines[0] and "HTTP 503" in lines[0]
    with app.app_context():
        run = db.session.scalar(select(JobRun).where(JobRun.job == "registry_sync"))
        assert run.status == "failed" and "Traceback" in run.error  # the details stay on the run
    registry.fault = Fault.NONE
    again = run_flask(app, "registry", "sync", **_registry_env(registry))
    assert again.returncode == 0, again.stderr


def _wait_for_running_run(app, process, seconds: float = 60) -> JobRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        with app.app_context():
            run = db.session.scalar(select(JobRun).where(JobRun.status == "running", JobRun.holder.is_not(None)))
            db.session.remove()
        if run is not None:
            return run
        time.sleep(0.2)
    raise AssertionError("the job never started")


def test_a_run_killed_with_its_process_is_marked_abandoned_once_its_lock_is_free(app, registry):
    from app.services.jobs.runs import sweep_abandoned

    registry.fault, registry.slow_seconds = Fault.SLOW, 120
    process = start_flask(app, "jobs", "run", "registry_sync", **_registry_env(registry, timeout="300"))
    try:
        run = _wait_for_running_run(app, process)
    finally:
        process.kill()  # as SIGKILL would take the scheduler: no chance to record anything
        process.wait(timeout=30)
        process.stdout.close()
    registry.fault = Fault.NONE
    with app.app_context():
        # Just killed: on SQLite its lease has not run out yet, and nobody calls a fresh run abandoned.
        assert sweep_abandoned() == 0
        assert db.session.get(JobRun, run.id).status == "running"
        db.session.remove()
    # Later than the lease (JOB_LOCK_LEASE_MINUTES) on SQLite; on PostgreSQL the advisory lock
    # went with the dead process's connection.
    app.config["CLOCK_NOW"] = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=20)
    with app.app_context():
        assert sweep_abandoned() == 1
        stored = db.session.get(JobRun, run.id)
        assert stored.status == "abandoned" and stored.finished_at is not None
        assert "process stopped" in stored.error
        db.session.remove()
    listing = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert "manual, abandoned" in listing.output, listing.output
    # The job runs again as usual.
    app.config.update(REGISTRY_BACKEND="http", REGISTRY_URL=registry.base_url, REGISTRY_TIMEOUT="5")
    try:
        from jobs.scheduler import run_now

        assert run_now(app, "registry_sync", trigger="manual").status == "ok"
    finally:
        app.config.update(REGISTRY_BACKEND="file", REGISTRY_URL=None, REGISTRY_TIMEOUT=5.0)
