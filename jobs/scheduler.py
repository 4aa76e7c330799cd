"""The scheduler: Ghurfa's jobs, their cron schedules (Asia/Muscat) and the process that runs them.

Run exactly one scheduler process (`flask jobs scheduler`), never inside web workers
(APScheduler in gunicorn workers runs each job once per worker). Should a second one be
started by mistake, every run still takes its job's database lock, so no job ever runs
twice at once; the extra run is recorded as skipped.

Schedules are crontab expressions in Asia/Muscat (app/services/jobs/schedules.py): Admin changes
them in the back office, and JOB_SCHEDULES (JSON) still overrides them per job, e.g.
{"reminders": "30 8 * * *", "registry_full_sync": "off"}. The process re-reads them every minute
and reschedules the jobs whose schedule changed, so a change needs no restart.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.infrastructure.clock import MUSCAT
from app.services.jobs.runs import RunResult, run_job
from app.services.jobs.schedules import OFF, cron_trigger, crontab_weekdays, schedules  # noqa: F401
from jobs.catalogue import JOBS, JobSpec, UnknownJob, job_spec, jobs_sharing_lock  # noqa: F401

log = logging.getLogger("ghurfa.scheduler")

def run_now(app: Flask, name: str, trigger: str = "schedule",
            progress: Callable[[int], None] | None = None) -> RunResult:
    """Runs one job once, now, under its lock, in an app context (the scheduler and the CLI use this)."""
    spec = job_spec(name)
    with app.app_context():
        return run_job(spec.name, spec.work(), trigger=trigger, lock_name=spec.lock_name, progress=progress)


def build_scheduler(app: Flask, background: bool = False) -> BaseScheduler:
    """A scheduler with every job that is switched on; BlockingScheduler for the scheduler process."""
    kind = BackgroundScheduler if background else BlockingScheduler
    # Several threads, so a long registry import does not hold up the outbox.
    scheduler = kind(timezone=MUSCAT, executors={"default": ThreadPoolExecutor(4)},
                     job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    applied: dict[str, str | None] = {}
    refresh_schedules(app, scheduler, applied)
    from apscheduler.triggers.interval import IntervalTrigger

    from app.operations.heartbeat import beat

    # Not a job: tells /readyz the scheduler is alive and marks abandoned runs; never recorded as a run.
    seconds = max(5, int(app.config.get("SCHEDULER_HEARTBEAT_SECONDS") or 30))
    scheduler.add_job(beat, IntervalTrigger(seconds=seconds), args=(app,), id="heartbeat", name="heartbeat",
                      replace_existing=True, next_run_time=dt.datetime.now(MUSCAT))
    # Not a job either: picks up the schedules Admin changed in the back office, without a restart.
    scheduler.add_job(refresh_schedules, IntervalTrigger(seconds=SCHEDULE_REFRESH_SECONDS),
                      args=(app, scheduler, applied), id="schedule_refresh", name="schedule_refresh",
                      replace_existing=True)
    return scheduler


SCHEDULE_REFRESH_SECONDS = 60


def refresh_schedules(app: Flask, scheduler: BaseScheduler, applied: dict[str, str | None]) -> list[str]:
    """Reads the schedules in force and (re)schedules the jobs whose schedule changed since `applied`;
    returns their names. A schedule that cannot be read keeps the job as it was."""
    from app.services.settings import store
    from app.services.settings.policies import job_schedules

    with app.app_context():
        store.forget_cached()
        try:
            plan = job_schedules(app.config)
        except ValueError:
            log.exception("the job schedules cannot be read; the jobs keep their schedules")
            return []
    changed = []
    for name, expr in plan.items():
        if name in applied and applied[name] == expr:
            continue
        changed.append(name)
        applied[name] = expr
        if expr is None:
            if scheduler.get_job(name) is not None:
                scheduler.remove_job(name)
            log.info("job %s is switched off", name)
            continue
        if scheduler.get_job(name) is not None:
            scheduler.reschedule_job(name, trigger=cron_trigger(expr))
        else:
            scheduler.add_job(run_now, cron_trigger(expr), args=(app, name), id=name, name=name,
                              replace_existing=True)
        log.info("job %s scheduled: %s (Asia/Muscat)", name, expr)
    return changed


def run_scheduler(app: Flask) -> None:
    """The scheduler process: blocks until interrupted."""
    logging.getLogger("apscheduler").setLevel(logging.INFO)
    scheduler = build_scheduler(app)
    log.info("scheduler process started with %d jobs", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler process stopping")
