"""Queueing many outbox messages at once (jobs): rendered like queue_message, inserted in one statement.

A message whose dedupe key is already in the outbox is skipped by the database
(ON CONFLICT DO NOTHING on the unique key), so re-runs and concurrent runs queue it once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.services.clock import now_utc
from app.services.notifications import render_message
from models import Notification
from models.base import utcnow


@dataclass(frozen=True)
class OutgoingMessage:
    template: str
    language: str
    context: Mapping[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None
    email: str | None = None
    mobile: str | None = None
    user_id: int | None = None
    not_before: dt.datetime | None = None  # naive UTC
    sms_not_before: dt.datetime | None = None  # naive UTC


def queue_many(session: Session, messages: Iterable[OutgoingMessage]) -> int:
    """Queues every email and SMS of `messages` in the caller's transaction; returns how many rows were new."""
    now = now_utc(current_app.config)
    stamp = utcnow()
    rows = []
    for message in messages:
        language = message.language if message.language in ("en", "ar") else "en"
        rendered = render_message(message.template, language, message.context)
        common = {"user_id": message.user_id, "template": message.template, "language": language,
                  "status": "queued", "attempts": 0, "sensitive": False, "created_at": stamp, "updated_at": stamp}
        if message.email:
            rows.append(dict(common, channel="email", recipient=message.email, subject=rendered.subject,
                             body=rendered.text, html_body=rendered.html,
                             dedupe_key=f"{message.dedupe_key}:email" if message.dedupe_key else None,
                             next_attempt_at=message.not_before or now))
        if message.mobile and rendered.sms:
            rows.append(dict(common, channel="sms", recipient=message.mobile, subject=None, body=rendered.sms,
                             html_body=None,
                             dedupe_key=f"{message.dedupe_key}:sms" if message.dedupe_key else None,
                             next_attempt_at=message.sms_not_before or message.not_before or now))
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING keeps SQLAlchemy's batched multi-row INSERT (without it the ON CONFLICT form goes row by row).
    statement = dialect.insert(Notification).on_conflict_do_nothing(index_elements=["dedupe_key"]) \
        .returning(Notification.id)
    return len(session.execute(statement, rows).all())
