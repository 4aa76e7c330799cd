"""Job: delete login sessions that ended (or expired) more than LOGIN_SESSION_KEEP_DAYS ago."""
from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.services.accounts import login_sessions
from app.infrastructure.clock import now_utc
from app.services.jobs.runs import JobContext


def run(ctx: JobContext) -> None:
    config = current_app.config
    purged = login_sessions.purge_old(db.session, now_utc(config), int(config["LOGIN_SESSION_KEEP_DAYS"]),
                                      int(config.get("LOGIN_SESSION_HOURS", 12)))
    db.session.commit()
    ctx.add("purged", purged)
