"""The outbox job: sends what is due, keeps quiet-hours SMS for the morning, retries failures with backoff."""
import datetime as dt
import socket

from sqlalchemy import select

from app.extensions import db
from app.services.notifications.outbox import backoff
from jobs.scheduler import run_now
from models import Notification
from tests.integration.jobs.factories import make_company, make_member, make_membership, set_clock


def _reminder_at_night(app):
    with app.app_context():
        company = make_company("1229237", civil_ids=("1526575",))
        make_membership(company, "91868", dt.date(2026, 3, 31))
        make_member(app, "salim", "1526575")
        db.session.commit()
    set_clock(app, 2026, 3, 24, 22, 30)
    assert run_now(app, "reminders").counts["messages"] == 2


def _statuses(app):
    with app.app_context():
        return {n.channel: n.status for n in db.session.scalars(select(Notification))}


def test_email_goes_at_once_and_the_sms_after_quiet_hours(app):
    _reminder_at_night(app)
    assert run_now(app, "outbox").counts == {"sent": 1, "retry": 0, "failed": 0}
    assert _statuses(app) == {"email": "sent", "sms": "queued"}
    set_clock(app, 2026, 3, 25, 7, 59)
    assert run_now(app, "outbox").counts["sent"] == 0
    set_clock(app, 2026, 3, 25, 8, 0)
    assert run_now(app, "outbox").counts["sent"] == 1
    assert _statuses(app) == {"email": "sent", "sms": "sent"}


def test_a_mail_server_that_is_down_is_tried_again_later(app, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "none")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    set_clock(app, 2026, 3, 24, 10, 0)
    with app.app_context():
        company = make_company("1229237", civil_ids=("1526575",))
        make_membership(company, "91868", dt.date(2026, 3, 31))
        make_member(app, "salim", "1526575")
        db.session.commit()
    run_now(app, "reminders")
    assert run_now(app, "outbox").counts == {"sent": 1, "retry": 1, "failed": 0}
    with app.app_context():
        mail = db.session.scalar(select(Notification).where(Notification.channel == "email"))
        assert (mail.status, mail.attempts) == ("queued", 1)
        assert mail.next_attempt_at == dt.datetime(2026, 3, 24, 6, 0) + backoff(1)
    assert run_now(app, "outbox").counts == {"sent": 0, "retry": 0, "failed": 0}
