"""The scheduler wiring and the `flask jobs` commands."""
from sqlalchemy import select

from app.extensions import db
from jobs.scheduler import build_scheduler
from models import JobRun


def test_the_scheduler_holds_every_job_and_its_calls_run_them(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_SCHEDULES", {"registry_full_sync": "off"})
    scheduler = build_scheduler(app, background=True)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"reminders", "registry_sync", "reconcile_payments", "outbox", "heartbeat", "audit_checkpoint",
                         "login_session_purge", "certificate_signing", "schedule_refresh"}
    assert str(jobs["reminders"].trigger.timezone) == "Asia/Muscat"
    # What APScheduler calls at the scheduled time:
    result = jobs["outbox"].func(*jobs["outbox"].args)
    assert result.status == "ok"
    with app.app_context():
        assert db.session.scalar(select(JobRun.trigger).where(JobRun.job == "outbox")) == "schedule"


def test_jobs_run_and_list_commands(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "run", "outbox"])
    assert result.exit_code == 0, result.output
    assert "outbox: ok" in result.output
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0, listing.output
    for name in ("reminders", "registry_sync", "registry_full_sync", "reconcile_payments", "outbox"):
        assert f"{name}: " in listing.output
    assert "manual, ok" in listing.output and "last run  never" in listing.output
    unknown = runner.invoke(args=["jobs", "run", "nope"])
    assert unknown.exit_code == 1 and "no job named 'nope'" in unknown.output
