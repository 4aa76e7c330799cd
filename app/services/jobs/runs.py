"""Running a scheduled job: one run at a time per job, guarded by a database lock, and every run recorded.

The lock: on PostgreSQL a session-level advisory lock (`pg_try_advisory_lock`) held on a
dedicated connection for the whole run; it vanishes with the connection if the process
dies. On SQLite a `job_lock` row with a lease, taken by a conditional UPDATE (or the
first INSERT) and released at the end; a holder that crashed loses it when the lease
runs out, and a long run keeps it by calling `JobContext.heartbeat()` between batches.

Each run leaves a `job_run` row: running, then ok / failed (with the error) / skipped
(another run held the lock), with its counts. Staff read them in the back office.
A run whose process died (killed with its scheduler) cannot say so itself: whoever next takes
its lock (the next run, or `sweep_abandoned` from the scheduler's heartbeat and `flask jobs
list`) finds it still `running` without the lock, its lease gone, and marks it abandoned.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.audit.trail import acting_as
from app.infrastructure.clock import now_utc
from models import JobLock, JobRun

log = logging.getLogger("ghurfa.jobs")

DEFAULT_LEASE = dt.timedelta(minutes=15)


class LockLost(RuntimeError):
    """The run's lease ran out and another run took the lock: this run stops before doing more."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key per job name."""
    digest = hashlib.sha256(f"ghurfa-job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLock:
    """PostgreSQL: a session-level advisory lock on a connection kept for the run."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine, self.name, self.key = engine, name, lock_key(name)
        self._conn = None
        self.holder: str | None = None

    def acquire(self) -> bool:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got, pid = conn.execute(text("SELECT pg_try_advisory_lock(:key), pg_backend_pid()"),
                                    {"key": self.key}).one()
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        self.holder = f"{socket.gethostname()}:{os.getpid()}:pg{pid}"
        return True

    def heartbeat(self) -> None:
        """Nothing to renew: the lock lives as long as the connection."""

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        except Exception:
            # Never hand a connection that may still hold the lock back to the pool.
            conn.invalidate()
            log.exception("could not release the lock of job %s; its connection was discarded", self.name)
        finally:
            conn.close()


class LeaseLock:
    """Any database: a `job_lock` row held until released or until its lease ends."""

    def __init__(self, engine: Engine, name: str, config: Mapping, lease: dt.timedelta = DEFAULT_LEASE) -> None:
        self.engine, self.name, self.config, self.lease = engine, name, config, lease
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        now = now_utc(self.config)
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(JobLock)
                .where(JobLock.name == self.name, or_(JobLock.locked_until.is_(None), JobLock.locked_until < now))
                .values(holder=self.holder, locked_until=now + self.lease, acquired_at=now)
            ).rowcount
        if taken:
            return True
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(JobLock).values(name=self.name, holder=self.holder,
                                                    locked_until=now + self.lease, acquired_at=now))
        except IntegrityError:
            return False  # held by someone whose lease has not run out
        return True

    def heartbeat(self) -> None:
        now = now_utc(self.config)
        with self.engine.begin() as conn:
            kept = conn.execute(
                update(JobLock).where(JobLock.name == self.name, JobLock.holder == self.holder)
                .values(locked_until=now + self.lease)
            ).rowcount
        if not kept:
            raise LockLost(f"the lease of job {self.name} ran out and another run took it")

    def release(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(JobLock).where(JobLock.name == self.name, JobLock.holder == self.holder)
                         .values(holder=None, locked_until=None))


def make_lock(engine: Engine, name: str, config: Mapping) -> AdvisoryLock | LeaseLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name)
    minutes = int(config.get("JOB_LOCK_LEASE_MINUTES") or DEFAULT_LEASE.total_seconds() // 60)
    return LeaseLock(engine, name, config, dt.timedelta(minutes=minutes))


@dataclass
class JobContext:
    """What a running job sees: its name, a place for its counts, and the lock to keep alive."""

    name: str
    trigger: str
    run_id: int
    lock: AdvisoryLock | LeaseLock
    counts: dict[str, int] = field(default_factory=dict)
    progress: Callable[[int], None] | None = None

    def add(self, key: str, amount: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + amount

    def heartbeat(self, done: int = 0) -> None:
        """Call between batches: renews the lease (raises LockLost if it was taken) and reports progress."""
        self.lock.heartbeat()
        if self.progress and done:
            self.progress(done)


@dataclass(frozen=True)
class RunResult:
    name: str
    status: str  # ok | failed | skipped
    run_id: int
    counts: dict[str, Any]
    error: str | None = None
    summary: str | None = None  # the error in one line


def run_job(name: str, work: Callable[[JobContext], None], *, trigger: str = "schedule",
            lock_name: str | None = None, progress: Callable[[int], None] | None = None) -> RunResult:
    """Runs `work` under the job's lock (in an app context) and records the run; never raises for the job's errors."""
    config = current_app.config
    session = db.session
    lock = make_lock(db.engine, lock_name or name, config)
    run = JobRun(job=name, trigger=trigger, started_at=now_utc(config), status="running")
    session.add(run)
    session.commit()
    run_id = run.id
    started = time.perf_counter()
    if not lock.acquire():
        log.info("job %s skipped: another run holds its lock", name)
        _finish(name, run_id, "skipped", {}, "another run holds the lock")
        job_run_logged(name, trigger, run_id, "skipped", {}, time.perf_counter() - started, None)
        return RunResult(name, "skipped", run_id, {}, "another run holds the lock")
    session.execute(update(JobRun).where(JobRun.id == run_id).values(holder=lock.holder))
    session.commit()
    _mark_abandoned(lock_name or name, lock.holder, now_utc(config))
    context = JobContext(name, trigger, run_id, lock, progress=progress)
    status, error, summary = "ok", None, None
    try:
        log.info("job %s started (%s)", name, trigger)
        with acting_as(f"job:{name}"):
            work(context)
    except Exception as exc:  # the run is recorded as failed; the scheduler goes on
        session.rollback()
        status = "failed"
        error = "".join(traceback.format_exception(exc))[-4000:]
        summary = error_summary(exc)
        # The traceback is kept on the run (Operations -> Job runs); the log gets one line.
        log.warning("job %s failed: %s", name, summary)
    finally:
        try:
            lock.release()
        except Exception:
            log.exception("job %s: releasing its lock failed", name)
    _finish(name, run_id, status, context.counts, error)
    job_run_logged(name, trigger, run_id, status, context.counts, time.perf_counter() - started, summary)
    return RunResult(name, status, run_id, dict(context.counts), error, summary)


def error_summary(exc: BaseException) -> str:
    """The exception in one line: its type and its message, without the traceback."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}"[:500] if message else type(exc).__name__


def job_run_logged(name: str, trigger: str, run_id: int, status: str, counts: Mapping, seconds: float,
                   error: str | None) -> None:
    """One JSON line per job run and the job metrics (runs by job and result, durations)."""
    from app.operations.logs import log_event
    from app.operations.metrics import observe_job_run

    log_event("ghurfa.jobs.runs", "job_run", job=name, trigger=trigger, run_id=run_id, status=status,
              duration_ms=round(seconds * 1000, 1), counts=dict(counts), error=error)
    observe_job_run(name, status, seconds)


ABANDONED = "abandoned"
ABANDONED_ERROR = "its process stopped while it ran: the lock it held was free (lease expired or connection gone)"
# A run marked `running` a moment before it takes its lock is not abandoned: it is starting.
STARTING_GRACE = dt.timedelta(minutes=1)


def _mark_abandoned(lock_name: str, holder: str | None, now: dt.datetime) -> int:
    """With `lock_name` held by `holder`: every other run of its jobs still `running` lost its lock, so its process died."""
    from jobs.catalogue import jobs_sharing_lock

    result = db.session.execute(
        update(JobRun)
        .where(JobRun.job.in_(jobs_sharing_lock(lock_name)), JobRun.status == "running",
               or_(JobRun.holder.is_(None), JobRun.holder != holder),
               JobRun.started_at < now - STARTING_GRACE)
        .values(status=ABANDONED, finished_at=now, error=ABANDONED_ERROR)
    )
    db.session.commit()
    if result.rowcount:
        log.warning("%d run(s) of lock %s marked abandoned", result.rowcount, lock_name)
    return result.rowcount


def sweep_abandoned() -> int:
    """Marks abandoned the `running` runs whose lock nobody holds any more (its lease ran out or its
    connection is gone). Takes each such lock for a moment, so it never touches a live run."""
    from jobs.catalogue import JOBS

    config = current_app.config
    marked = 0
    running = set(db.session.scalars(select(JobRun.job).where(JobRun.status == "running").distinct()))
    for lock_name in sorted({JOBS[job].lock_name for job in running if job in JOBS}):
        lock = make_lock(db.engine, lock_name, config)
        if not lock.acquire():
            continue
        try:
            marked += _mark_abandoned(lock_name, lock.holder, now_utc(config))
        finally:
            lock.release()
    return marked


def _finish(name: str, run_id: int, status: str, counts: dict, error: str | None) -> None:
    config = current_app.config
    session = db.session
    now = now_utc(config)
    session.execute(update(JobRun).where(JobRun.id == run_id)
                    .values(status=status, counts=dict(counts), error=error, finished_at=now))
    keep_days = int(config.get("JOB_RUN_KEEP_DAYS") or 0)
    if keep_days > 0:
        # A job that runs every minute would otherwise grow the history without end.
        session.execute(delete(JobRun).where(JobRun.job == name, JobRun.started_at < now - dt.timedelta(days=keep_days)))
    session.commit()


def last_runs(names: list[str]) -> dict[str, JobRun]:
    """The latest recorded run of each job (for `flask jobs list`)."""
    from sqlalchemy import func, select

    latest = (select(JobRun.job, func.max(JobRun.id).label("id")).where(JobRun.job.in_(names))
              .group_by(JobRun.job).subquery())
    rows = db.session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id))
    return {row.job: row for row in rows}
