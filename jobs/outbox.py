"""Job: deliver queued notifications, with retries and backoff (app/services/notifications/outbox.py: Dispatcher)."""
from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.services.jobs.runs import JobContext
from app.services.notifications.outbox import Dispatcher

BATCH = 200
MAX_BATCHES = 50  # at most 10,000 messages a run; the rest go next minute


def run(ctx: JobContext) -> None:
    dispatcher = Dispatcher(db.session, current_app.config)
    for _ in range(MAX_BATCHES):
        counts = dispatcher.deliver_due(limit=BATCH)
        for key, value in counts.items():
            ctx.add(key, value)
        handled = sum(counts.values())
        ctx.heartbeat(handled)
        if handled < BATCH:
            return
