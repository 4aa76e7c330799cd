"""The login_session_purge job deletes old ended or expired login sessions and nothing else."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from jobs.scheduler import run_now
from models import LoginSession
from models.base import utcnow
from tests.integration.helpers import make_user


def test_old_sessions_go_and_open_or_recent_ones_stay(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_SESSION_KEEP_DAYS", 30)
    user_id = make_user(app, "staff1", "Staff")
    now = utcnow()
    rows = {
        "ended long ago": (now - dt.timedelta(days=40), now - dt.timedelta(days=39)),
        "ended recently": (now - dt.timedelta(days=10), now - dt.timedelta(days=9)),
        "never ended, expired long ago": (now - dt.timedelta(days=45), None),
        "open now": (now - dt.timedelta(hours=1), None),
        "never ended, expired recently": (now - dt.timedelta(days=5), None),
    }
    with app.app_context():
        for name, (started, ended) in rows.items():
            db.session.add(LoginSession(user_id=user_id, token_hash=name.replace(" ", "-").ljust(64, "x")[:64],
                                        started_at=started, ended_at=ended, user_agent=name))
        db.session.commit()
    result = run_now(app, "login_session_purge")
    assert result.status == "ok" and result.counts == {"purged": 2}
    with app.app_context():
        kept = set(db.session.scalars(select(LoginSession.user_agent)))
    assert kept == {"ended recently", "open now", "never ended, expired recently"}
