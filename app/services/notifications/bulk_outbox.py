"""Queueing many outbox messages at once (jobs): rendered like queue_message, inserted in one statement.

Rendering follows app/services/notifications/outbox.py: render_message (blocks subject, text and
sms of `messages/<template>.txt`, plus `.html` when it exists), but looks each template up
once per call and switches the locale once per language, which matters for thousands of
messages. A message whose dedupe key is already in the outbox is skipped by the database
(ON CONFLICT DO NOTHING on the unique key), so re-runs and concurrent runs queue it once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_translations
from jinja2 import TemplateNotFound
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy.orm import Session

from app.infrastructure.bulk_sql import bulk_insert_ignore
from app.infrastructure.clock import now_utc
from app.services.notifications.outbox import RenderedMessage, with_edited_texts
from models import Notification
from models.base import utcnow

NOTIFICATION = Notification.__table__


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


def _gettext_for(translations):
    """The `{% trans %}` function Flask-Babel installs (Jinja's newstyle gettext), bound to one catalog: it then
    skips looking the catalog up again for every string of every message."""

    @pass_context
    def gettext(__context, __string: str, **variables: Any) -> str:
        rv = translations.ugettext(__string)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    return gettext


class _Renderer:
    def __init__(self) -> None:
        self.env = current_app.jinja_env
        self._templates: dict[str, Any] = {}
        self.gettext = None

    def use_current_locale(self) -> None:
        """Call right after entering force_locale(language)."""
        self.gettext = _gettext_for(get_translations())

    def _template(self, name: str):
        if name not in self._templates:
            try:
                self._templates[name] = self.env.get_template(name)
            except TemplateNotFound:
                self._templates[name] = None
        return self._templates[name]

    def render(self, template: str, language: str, context: Mapping[str, Any]) -> RenderedMessage:
        """Call inside force_locale(language)."""
        text_template = self._template(f"messages/{template}.txt")
        if text_template is None:
            raise TemplateNotFound(f"messages/{template}.txt")
        ctx = text_template.new_context(dict(context, language=language, gettext=self.gettext))

        def block(name: str) -> str | None:
            render = text_template.blocks.get(name)
            return "".join(render(ctx)).strip() if render else None

        html_template = self._template(f"messages/{template}.html")
        html = html_template.render(**context, language=language) if html_template is not None else None
        shipped = RenderedMessage(subject=block("subject") or "", text=block("text") or "", html=html,
                                  sms=block("sms"))
        return with_edited_texts(shipped, template, language, context)


def queue_many(session: Session, messages: Iterable[OutgoingMessage]) -> int:
    """Queues every email and SMS of `messages` in the caller's transaction; returns how many rows were new."""
    now = now_utc(current_app.config)
    stamp = utcnow()
    renderer = _Renderer()
    by_language: dict[str, list[OutgoingMessage]] = {}
    for message in messages:
        by_language.setdefault(message.language if message.language in ("en", "ar") else "en", []).append(message)
    rows = []
    for language, group in by_language.items():
        with force_locale(language):
            renderer.use_current_locale()
            for message in group:
                rendered = renderer.render(message.template, language, message.context)
                rows.extend(_rows(message, language, rendered, now, stamp))
    if not rows:
        return 0
    return len(bulk_insert_ignore(session, NOTIFICATION, rows, ["dedupe_key"], ["id"]))


def _rows(message: OutgoingMessage, language: str, rendered: RenderedMessage, now: dt.datetime,
          stamp: dt.datetime) -> list[dict[str, Any]]:
    common = {"user_id": message.user_id, "template": message.template, "language": language, "status": "queued",
              "attempts": 0, "sensitive": False, "created_at": stamp, "updated_at": stamp, "last_error": None,
              "provider_id": None, "sent_at": None}
    rows = []
    if message.email:
        rows.append(dict(common, channel="email", recipient=message.email, subject=rendered.subject,
                         body=rendered.text, html_body=rendered.html,
                         dedupe_key=f"{message.dedupe_key}:email" if message.dedupe_key else None,
                         next_attempt_at=message.not_before or now))
    if message.mobile and rendered.sms:
        rows.append(dict(common, channel="sms", recipient=message.mobile, subject=None, body=rendered.sms,
                         html_body=None, dedupe_key=f"{message.dedupe_key}:sms" if message.dedupe_key else None,
                         next_attempt_at=message.sms_not_before or message.not_before or now))
    return rows
