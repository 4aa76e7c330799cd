"""The job lock and the run record: one run at a time per job, every run written down."""
import datetime as dt
import threading

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.jobs.runs import LeaseLock, LockLost, run_job
from models import Company, JobRun

NOW = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.timezone.utc)


def test_a_run_is_recorded_with_its_counts(app):
    with app.app_context():
        result = run_job("outbox", lambda ctx: ctx.add("sent", 3), trigger="manual")
        row = db.session.get(JobRun, result.run_id)
        assert (result.status, row.status, row.trigger, row.counts) == ("ok", "ok", "manual", {"sent": 3})
        assert row.finished_at is not None and row.error is None


def test_a_failed_run_keeps_nothing_it_did_and_records_the_error(app):
    def work(ctx):
        db.session.add(Company(cr_number="1234567", name_en="Half done", name_ar="نصف"))
        db.session.flush()
        raise RuntimeError("registry went away")

    with app.app_context():
        result = run_job("registry_sync", work)
        assert result.status == "failed" and "registry went away" in result.error
        assert db.session.scalar(select(Company.id)) is None
        assert db.session.get(JobRun, result.run_id).status == "failed"
        # The lock was released: the next run goes ahead.
        assert run_job("registry_sync", lambda ctx: None).status == "ok"


def test_a_second_run_while_the_first_holds_the_lock_is_skipped(app):
    started, release = threading.Event(), threading.Event()
    results = {}

    def slow(ctx):
        started.set()
        assert release.wait(20)
        ctx.add("done")

    def first():
        with app.app_context():
            results["first"] = run_job("reminders", slow)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert started.wait(20)
        with app.app_context():
            results["second"] = run_job("reminders", lambda ctx: ctx.add("done"), trigger="manual")
            # Another job is not held up by it.
            results["other"] = run_job("outbox", lambda ctx: None)
    finally:
        release.set()
        thread.join(30)
    assert results["second"].status == "skipped"
    assert results["other"].status == "ok"
    assert results["first"].status == "ok" and results["first"].counts == {"done": 1}
    with app.app_context():
        statuses = sorted(r.status for r in db.session.scalars(select(JobRun).where(JobRun.job == "reminders")))
        assert statuses == ["ok", "skipped"]
        assert run_job("reminders", lambda ctx: None).status == "ok"


def test_a_lease_left_by_a_crashed_holder_is_taken_after_it_runs_out(app):
    app.config["CLOCK_NOW"] = NOW
    with app.app_context():
        crashed = LeaseLock(db.engine, "registry_sync", app.config, dt.timedelta(minutes=15))
        assert crashed.acquire()  # and never released: the process died
        newcomer = LeaseLock(db.engine, "registry_sync", app.config, dt.timedelta(minutes=15))
        assert not newcomer.acquire()
        app.config["CLOCK_NOW"] = NOW + dt.timedelta(minutes=16)
        assert newcomer.acquire()
        # The old holder wakes up: its heartbeat tells it to stop.
        with pytest.raises(LockLost):
            crashed.heartbeat()
        crashed.release()  # releases nothing of the newcomer's
        assert not LeaseLock(db.engine, "registry_sync", app.config).acquire()
        newcomer.heartbeat()
        newcomer.release()
        assert LeaseLock(db.engine, "registry_sync", app.config).acquire()


def test_old_runs_are_pruned(app):
    app.config["CLOCK_NOW"] = NOW
    with app.app_context():
        db.session.add(JobRun(job="outbox", trigger="schedule", status="ok",
                              started_at=NOW.replace(tzinfo=None) - dt.timedelta(days=200)))
        db.session.add(JobRun(job="reminders", trigger="schedule", status="ok",
                              started_at=NOW.replace(tzinfo=None) - dt.timedelta(days=200)))
        db.session.commit()
        run_job("outbox", lambda ctx: None)
        jobs = sorted(r.job for r in db.session.scalars(select(JobRun)))
        assert jobs == ["outbox", "reminders"]
