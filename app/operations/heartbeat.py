"""The scheduler process says it is alive every SCHEDULER_HEARTBEAT_SECONDS; readiness reads it.

Each beat also sweeps the job runs left `running` by a process that died (app/services/jobs/runs.py).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from flask import Flask
from sqlalchemy import func, select, update

from app.extensions import db
from app.infrastructure.clock import now_utc
from models import SchedulerHeartbeat

log = logging.getLogger("ghurfa.scheduler")

HOLDER = f"{socket.gethostname()}:{os.getpid()}"[:80]


def beat(app: Flask, holder: str = HOLDER) -> None:
    """Records this scheduler process as alive now, then marks abandoned runs; never raises."""
    from app.services.jobs.runs import sweep_abandoned

    try:
        with app.app_context():
            now = now_utc(app.config)
            session = db.session
            found = session.execute(update(SchedulerHeartbeat).where(SchedulerHeartbeat.holder == holder)
                                    .values(beat_at=now)).rowcount
            if not found:
                session.add(SchedulerHeartbeat(holder=holder, started_at=now, beat_at=now))
            # Processes that stopped long ago are forgotten.
            session.execute(SchedulerHeartbeat.__table__.delete()
                            .where(SchedulerHeartbeat.beat_at < now - dt.timedelta(days=7)))
            session.commit()
            sweep_abandoned()
    except Exception as exc:  # the database is away: the next beat tries again
        log.warning("scheduler heartbeat not recorded: %s", type(exc).__name__)


def last_beat() -> dt.datetime | None:
    return db.session.scalar(select(func.max(SchedulerHeartbeat.beat_at)))
