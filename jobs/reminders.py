"""Job: membership expiry reminders (app/services/notifications/reminders.py)."""
from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.services.jobs.runs import JobContext
from app.services.notifications.reminders import send_due_reminders


def run(ctx: JobContext) -> None:
    ctx.counts.update(send_due_reminders(db.session, current_app.config, heartbeat=ctx.heartbeat))
