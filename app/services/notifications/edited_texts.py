"""The message texts administrators saved in the back office, as each process renders them.

Every process keeps the active texts for SETTINGS_CACHE_SECONDS (one query per period); the
process that saves forgets its copy at once. A saved text replaces the shipped file's block
for its channel and language; an email's HTML part is then made from its text. A saved text
that no longer passes the checks (a placeholder withdrawn since) is logged and the shipped
text is sent instead, so no message is lost to it.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import select

from app.domain.message_catalogue import EMAIL, MESSAGES, SMS
from app.extensions import db
from app.services.notifications.template_sandbox import TemplateRefused, render_text
from app.services.settings.chamber_details import chamber_details
from models import MessageTemplateVersion

log = logging.getLogger("ghurfa.outbox")
CACHE_KEY = "ghurfa_settings_messages"  # forgotten with the settings (store.forget_all)


@dataclass(frozen=True)
class EditedParts:
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    sms: str | None = None


def active_texts() -> dict[tuple[str, str, str], tuple[str | None, str]]:
    """(template, channel, language) -> (subject, body) of every active saved text."""
    app = current_app._get_current_object()
    cached = app.extensions.get(CACHE_KEY)
    ttl = float(app.config.get("SETTINGS_CACHE_SECONDS", 30))
    if cached is not None and time.monotonic() - cached[0] < ttl:
        return cached[1]
    texts = {(row.template, row.channel, row.language): (row.subject, row.body)
             for row in db.session.scalars(select(MessageTemplateVersion).where(MessageTemplateVersion.active))}
    app.extensions[CACHE_KEY] = (time.monotonic(), texts)
    return texts


def has_edits(template: str, language: str) -> bool:
    texts = active_texts()
    return (template, EMAIL, language) in texts or (template, SMS, language) in texts


def forget_cached() -> None:
    current_app.extensions.pop(CACHE_KEY, None)


def html_of(text: str, language: str) -> str:
    """A plain HTML part for an email whose text was written in the back office."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    body = "".join(Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in part.split("\n")))
                   for part in paragraphs)
    direction = "rtl" if language == "ar" else "ltr"
    return (f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">\n'
            f'<body style="font-family: Arial, Tahoma, sans-serif;">\n{body}\n</body>\n</html>')


def message_context(template: str, language: str, context: Mapping[str, Any]) -> dict[str, Any]:
    return dict(context, **chamber_details().message_placeholders(language))


def render_parts(template: str, language: str, subject: str | None, body: str, channel: str,
                 context: Mapping[str, Any]) -> EditedParts:
    """Renders one saved (or draft) text; raises TemplateRefused when it does not pass the checks."""
    allowed = MESSAGES[template].allowed
    values = message_context(template, language, context)
    if channel == SMS:
        return EditedParts(sms=render_text(body, allowed, values))
    text = render_text(body, allowed, values)
    # A subject is one line whatever a placeholder holds (a header cannot be split by a value).
    subject_line = " ".join(render_text(subject or "", allowed, values).split())
    return EditedParts(subject=subject_line, text=text, html=html_of(text, language))


def edited_parts(template: str, language: str, context: Mapping[str, Any]) -> EditedParts | None:
    """The saved texts of `template` in `language`, rendered; None when neither channel has one."""
    texts = active_texts()
    email = texts.get((template, EMAIL, language))
    sms = texts.get((template, SMS, language))
    if (email is None and sms is None) or template not in MESSAGES:
        return None
    parts = EditedParts()
    for channel, saved in ((EMAIL, email), (SMS, sms)):
        if saved is None:
            continue
        try:
            rendered = render_parts(template, language, saved[0], saved[1], channel, context)
        except TemplateRefused as refusal:
            log.error("the saved %s text of %s (%s) is refused, the shipped one is sent: %s",
                      channel, template, language, refusal)
            continue
        parts = EditedParts(subject=rendered.subject if channel == EMAIL else parts.subject,
                            text=rendered.text if channel == EMAIL else parts.text,
                            html=rendered.html if channel == EMAIL else parts.html,
                            sms=rendered.sms if channel == SMS else parts.sms)
    return parts
