"""The back office's message texts: the shipped text of each message, saved versions, rollback, preview, test.

Each save is a new version (who, when; audited with the table) and becomes the active one;
rolling back makes an earlier version active again; restoring the shipped text leaves no
version active, so the file under app/templates/messages/ is sent again.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.message_catalogue import EMAIL, MESSAGES, SMS, MessageKind, sample_context
from app.domain.sms_parts import SmsCost, sms_cost
from app.services.notifications import edited_texts
from app.services.notifications.outbox import RenderedMessage, deliver_now, queue_message, render_shipped
from app.services.notifications.template_sandbox import check_subject, check_text
from app.services.membership.refusals import ServiceRefusal
from app.domain.messages import N_
from models import Member, MessageTemplateVersion


class UnknownMessage(ServiceRefusal):
    message_id = N_("There is no such message text.")


class SavedMeanwhile(ServiceRefusal):
    message_id = N_("Someone else saved this text a moment ago; nothing of yours was saved. Reload the page, "
                    "then save your text again if it is still needed.")


class NoContactToTest(ServiceRefusal):
    message_id = N_("Your account has no email address or mobile number to send the test to.")


@dataclass(frozen=True)
class TextKey:
    template: str
    channel: str
    language: str

    @property
    def kind(self) -> MessageKind:
        return MESSAGES[self.template]


def text_key(template: str, channel: str, language: str) -> TextKey:
    kind = MESSAGES.get(template)
    if kind is None or channel not in kind.channels or language not in ("en", "ar"):
        raise UnknownMessage()
    return TextKey(template, channel, language)


def active_versions(session: Session) -> dict[tuple[str, str, str], int]:
    """(template, channel, language) -> the number of the version sent now, for every saved text in use."""
    return {(row.template, row.channel, row.language): row.version for row in session.scalars(
        select(MessageTemplateVersion).where(MessageTemplateVersion.active))}


def own_mobile(session: Session, user_id: int) -> str | None:
    """The mobile of the member account behind a back-office user, if there is one (for a test SMS)."""
    return session.scalar(select(Member.mobile).where(Member.user_id == user_id))


def shipped_text(key: TextKey) -> tuple[str, str]:
    """The shipped file's subject and body in the key's language, placeholders written as {{ name }}."""
    context = {name: "{{ %s }}" % name for name in key.kind.placeholders}
    rendered = render_shipped(key.template, key.language, context)
    if key.channel == SMS:
        return "", rendered.sms or ""
    return rendered.subject, rendered.text


def versions(session: Session, key: TextKey) -> list[MessageTemplateVersion]:
    return list(session.scalars(
        select(MessageTemplateVersion).where(MessageTemplateVersion.template == key.template,
                                             MessageTemplateVersion.channel == key.channel,
                                             MessageTemplateVersion.language == key.language)
        .order_by(MessageTemplateVersion.version.desc())))


def current_text(session: Session, key: TextKey) -> tuple[str, str, MessageTemplateVersion | None]:
    """What is sent now: the active version's subject and body, else the shipped text."""
    active = next((row for row in versions(session, key) if row.active), None)
    if active is not None:
        return active.subject or "", active.body, active
    subject, body = shipped_text(key)
    return subject, body, None


def check_draft(key: TextKey, subject: str, body: str) -> None:
    """Refuses (TemplateRefused, with the line) a text that would not be saved."""
    if key.channel == EMAIL:
        check_subject(subject, key.kind.allowed)
    check_text(body, key.kind.allowed)


def save_text(session: Session, key: TextKey, subject: str, body: str, user_id: int | None) -> MessageTemplateVersion:
    """Checks the text, then saves it as the next version and makes it active; commits."""
    subject = " ".join(subject.split()) if key.channel == EMAIL else None
    body = body.replace("\r\n", "\n").strip()
    check_draft(key, subject or "", body)
    number = (session.scalar(select(func.max(MessageTemplateVersion.version)).where(
        MessageTemplateVersion.template == key.template, MessageTemplateVersion.channel == key.channel,
        MessageTemplateVersion.language == key.language)) or 0) + 1
    for row in versions(session, key):
        row.active = False
    version = MessageTemplateVersion(template=key.template, channel=key.channel, language=key.language,
                                     version=number, subject=subject, body=body, active=True,
                                     created_by_id=user_id)
    session.add(version)
    try:
        session.commit()
    except IntegrityError:
        # Another admin's save took this version number first (uq on template, channel, language, version).
        session.rollback()
        raise SavedMeanwhile() from None
    edited_texts.forget_cached()
    return version


def roll_back(session: Session, key: TextKey, version_id: int) -> MessageTemplateVersion:
    """Makes an earlier version of this text the one sent; commits."""
    chosen = session.get(MessageTemplateVersion, version_id)
    if chosen is None or (chosen.template, chosen.channel, chosen.language) != (key.template, key.channel, key.language):
        raise UnknownMessage()
    check_draft(key, chosen.subject or "", chosen.body)
    for row in versions(session, key):
        row.active = row.id == chosen.id
    session.commit()
    edited_texts.forget_cached()
    return chosen


def restore_shipped(session: Session, key: TextKey) -> None:
    """Sends the shipped text again (the saved versions stay, inactive); commits."""
    for row in versions(session, key):
        row.active = False
    session.commit()
    edited_texts.forget_cached()


@dataclass(frozen=True)
class Preview:
    language: str
    subject: str
    text: str
    sms_cost: SmsCost | None


def preview(key: TextKey, subject: str, body: str, language: str | None = None) -> Preview:
    """The draft rendered with sample data (checked first: raises TemplateRefused)."""
    check_draft(key, subject, body)
    language = language or key.language
    context = sample_context(key.kind, language, current_app.config["PUBLIC_BASE_URL"])
    with force_locale(language):
        parts = edited_texts.render_parts(key.template, language, subject, body, key.channel, context)
    if key.channel == SMS:
        return Preview(language, "", parts.sms or "", sms_cost(parts.sms or ""))
    return Preview(language, parts.subject or "", parts.text or "", None)


def send_test(session: Session, key: TextKey, subject: str, body: str, *, email: str | None,
              mobile: str | None, user_id: int | None) -> list:
    """Queues the draft, rendered with sample data, to the administrator's own email or mobile; commits."""
    shown = preview(key, subject, body)
    if key.channel == EMAIL and not email or key.channel == SMS and not mobile:
        raise NoContactToTest()
    rendered = RenderedMessage(subject=shown.subject, text=shown.text,
                               html=edited_texts.html_of(shown.text, key.language) if key.channel == EMAIL else None,
                               sms=shown.text if key.channel == SMS else None)
    notes = queue_message(session, template=key.template, language=key.language, context={},
                          email=email if key.channel == EMAIL else None,
                          mobile=mobile if key.channel == SMS else None, user_id=user_id, rendered=rendered)
    session.commit()
    deliver_now(session, notes)  # what the outbox job would do within a minute, at once
    return notes


def sample_values(key: TextKey) -> Mapping[str, Any]:
    return sample_context(key.kind, key.language, current_app.config["PUBLIC_BASE_URL"])
