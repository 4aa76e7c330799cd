"""The outbox end to end: queue from a bilingual template, deliver over real SMTP and HTTP peers, retry with backoff."""
from __future__ import annotations

import datetime as dt
import email
from email import policy

from sqlalchemy import func, select

from app.extensions import db
from app.services.notifications.outbox import Dispatcher, backoff, queue_message
from models import Notification

CONTEXT = {"name": "<b>Salim</b>", "company": "promising projects", "occi_number": "1128046",
           "expires_on": "19/03/2019", "reference": "R-1", "certificate_url": "http://127.0.0.1/c/1"}
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)


def _configure(app, smtp_port: int, gateway_url: str) -> dict:
    return {**app.config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
            "MAIL_SECURITY": "none", "MAIL_USERNAME": None, "MAIL_PASSWORD": None,
            "SMS_BACKEND": "http", "SMS_GATEWAY_URL": gateway_url, "SMS_GATEWAY_SHAPE": "json",
            "MAIL_TIMEOUT": 2, "SMS_TIMEOUT": 2, "CLOCK_NOW": NOW}


def test_queue_renders_each_language_and_dedupes(app):
    app.config["CLOCK_NOW"] = NOW
    with app.test_request_context():
        rows = queue_message(db.session, template="certificate_issued", language="ar", context=CONTEXT,
                             email="a@example.om", mobile="+96899416689", dedupe_key="order:R-1:done")
        again = queue_message(db.session, template="certificate_issued", language="ar", context=CONTEXT,
                              email="a@example.om", mobile="+96899416689", dedupe_key="order:R-1:done")
        db.session.commit()
        assert [r.channel for r in rows] == ["email", "sms"] and again == []
        mail = rows[0]
        assert "شهادة الانتساب" in mail.subject and "1128046" in mail.subject
        assert "<b>Salim</b>" in mail.body  # plain text: shown as typed, never interpreted
        en = queue_message(db.session, template="certificate_issued", language="en", context=CONTEXT,
                           email="b@example.om")
        assert en[0].subject == "Your membership certificate (OCCI No 1128046)"
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 3


def test_mail_server_down_then_up_and_sms_gateway_failing_twice(app, smtp_server, unused_port, sms_gateway):
    config = _configure(app, unused_port, sms_gateway.url)
    sms_gateway.fail_first(2)
    app.config["CLOCK_NOW"] = NOW
    with app.test_request_context():
        queue_message(db.session, template="certificate_issued", language="en", context=CONTEXT,
                      email="owner@example.om", mobile="+96899416689", dedupe_key="x")
        db.session.commit()

        dispatcher = Dispatcher(db.session, config)
        assert dispatcher.deliver_due() == {"sent": 0, "retry": 2, "failed": 0}
        mail = db.session.scalar(select(Notification).where(Notification.channel == "email"))
        assert mail.status == "queued" and mail.attempts == 1 and mail.last_error
        assert mail.next_attempt_at == NOW.replace(tzinfo=None) + backoff(1)
        # Not due yet: nothing is tried again before the backoff runs out.
        assert dispatcher.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}

        handler, _ = smtp_server("none", port=unused_port)
        later = NOW + dt.timedelta(minutes=1)
        config["CLOCK_NOW"] = later
        assert Dispatcher(db.session, config).deliver_due() == {"sent": 1, "retry": 1, "failed": 0}
        config["CLOCK_NOW"] = later + dt.timedelta(minutes=5)
        assert Dispatcher(db.session, config).deliver_due() == {"sent": 1, "retry": 0, "failed": 0}

        rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(r.channel, r.status) for r in rows] == [("email", "sent"), ("sms", "sent")]
        assert rows[1].attempts == 3 and len(sms_gateway.requests) == 3
        received = email.message_from_bytes(handler.received[0].content, policy=policy.default)
        assert received["Subject"] == "Your membership certificate (OCCI No 1128046)"
        # Delivered once only, however often the dispatcher runs.
        assert Dispatcher(db.session, config).deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
        assert len(handler.received) == 1


def test_permanent_refusal_and_attempt_limit_end_in_failed(app, smtp_server, sms_gateway):
    handler, port = smtp_server("none")
    config = {**_configure(app, port, sms_gateway.url), "OUTBOX_MAX_ATTEMPTS": 2}
    sms_gateway.fail_first(5)
    app.config["CLOCK_NOW"] = NOW
    with app.test_request_context():
        queue_message(db.session, template="certificate_issued", language="en", context=CONTEXT,
                      email="unknown@example.om", mobile="+96899416689")
        db.session.commit()
        assert Dispatcher(db.session, config).deliver_due() == {"sent": 0, "retry": 1, "failed": 1}
        config["CLOCK_NOW"] = NOW + dt.timedelta(hours=1)
        assert Dispatcher(db.session, config).deliver_due() == {"sent": 0, "retry": 0, "failed": 1}
        statuses = db.session.execute(select(Notification.channel, Notification.status, Notification.attempts)
                                      .order_by(Notification.id)).all()
        assert [tuple(s) for s in statuses] == [("email", "failed", 1), ("sms", "failed", 2)]


def test_sensitive_text_is_blanked_once_delivered(app):
    app.config["CLOCK_NOW"] = NOW
    with app.test_request_context():
        rows = queue_message(db.session, template="certificate_issued", language="en", context=CONTEXT,
                             email="owner@example.om", sensitive=True)
        db.session.commit()
        assert Dispatcher(db.session, app.config).deliver([rows[0].id])["sent"] == 1
        row = db.session.get(Notification, rows[0].id)
        assert row.status == "sent" and "1128046" not in row.body
    outbox = list((__import__("pathlib").Path(app.config["OUTBOX_DIR"])).glob("*.eml"))
    assert outbox, "the outbox mailer writes the message for the developer"
