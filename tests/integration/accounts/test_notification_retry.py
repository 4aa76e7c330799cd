"""The back office's view of the outbox: staff can retry failed messages; secrets are never shown."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.services.notifications.outbox import queue_message
from models import AuditEntry, Notification
from tests.conftest import csrf_for
from tests.integration.accounts.peers import mails_to
from tests.integration.helpers import login, make_user


def failed_messages(app, *, sensitive=False) -> tuple[int, int]:
    """A failed mail and a sent one; returns their ids."""
    with app.test_request_context():
        rows = queue_message(db.session, template="password_changed", language="en",
                             context={"name": "Salim", "login_url": "http://127.0.0.1:5000/login/"},
                             email="owner@promising.example.om", sensitive=sensitive)
        rows += queue_message(db.session, template="password_changed", language="en",
                              context={"name": "Aisha", "login_url": "http://127.0.0.1:5000/login/"},
                              email="aisha@example.om", dedupe_key="other")
        failed, sent = rows
        failed.status, failed.attempts, failed.last_error = "failed", 8, "550 mailbox unavailable"
        sent.status, sent.sent_at = "sent", dt.datetime(2026, 1, 1)
        db.session.commit()
        ids = failed.id, sent.id
        db.session.remove()
        return ids


def statuses(app) -> dict[int, str]:
    with app.app_context():
        result = {n.id: n.status for n in db.session.scalars(select(Notification))}
        db.session.remove()
        return result


def retry(client, app, *ids):
    return client.post("/notificationview/action_post", data={
        "action": "retry_now", "rowid": [str(i) for i in ids], "csrf_token": csrf_for(client, app)})


def test_staff_retry_a_failed_message_now(app, client, outbox):
    failed, sent = failed_messages(app)
    make_user(app, "staff1", "Staff")
    login(client, "staff1")
    page = client.get("/notificationview/list/").get_data(as_text=True)
    assert "Retry now" in page
    response = retry(client, app, failed, sent)
    assert response.status_code == 302
    assert statuses(app) == {failed: "sent", sent: "sent"}
    assert len(mails_to(outbox, "owner@promising.example.om")) == 1
    assert mails_to(outbox, "aisha@example.om") == []  # not failed: left alone
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "notification_retry")).all()
        assert [(e.entity_id, e.actor) for e in entries] == [(str(failed), "staff1")]
        db.session.remove()
    assert "Sent: 1" in client.get("/notificationview/list/").get_data(as_text=True)


def test_auditors_and_members_cannot_retry(app, client, outbox):
    failed, _ = failed_messages(app)
    for role in ("Auditor", "Member"):
        make_user(app, f"{role.lower()}1", role)
        login(client, f"{role.lower()}1")
        retry(client, app, failed)
        assert statuses(app)[failed] == "failed"
        client.get("/logout/")
    assert not list(outbox.iterdir())


def test_a_message_holding_a_code_or_link_is_not_shown_to_staff(app, client):
    failed, sent = failed_messages(app, sensitive=True)
    make_user(app, "staff1", "Staff")
    login(client, "staff1")
    secret_page = client.get(f"/notificationview/show/{failed}").get_data(as_text=True)
    assert "Dear Salim" not in secret_page and "not shown: it holds a code or a link" in secret_page
    assert "Dear Aisha" in client.get(f"/notificationview/show/{sent}").get_data(as_text=True)
