"""The notification outbox: queue an email and/or SMS from a bilingual template, deliver it, retry it.

Queueing writes rows in the caller's transaction (so a message exists exactly when the
change it announces does); delivery happens after commit, either at once (`deliver`,
for verification codes) or by the outbox job (`deliver_due`). A row is claimed by a
conditional update before it is sent, so two dispatchers never send the same message,
and a claim that outlives its lease (a crashed dispatcher) is taken over.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from jinja2 import TemplateNotFound
from flask_babel import force_locale, get_locale
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.adapters.delivery import AdapterConfigError, DeliveryFailed, InvalidMessage
from app.adapters.mail import MailAttachment, MailMessage, make_mailer
from app.adapters.sms import SmsMessage, make_sms_sender
from app.infrastructure.clock import now_utc
from models import Notification

log = logging.getLogger("ghurfa.outbox")

CLAIM_LEASE = dt.timedelta(minutes=5)
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=6)
SENT_SECRET_PLACEHOLDER = "[removed after delivery]"


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str | None
    sms: str | None


def render_message(template: str, language: str, context: Mapping[str, Any]) -> RenderedMessage:
    """The message in `language`: the texts saved in the back office where there are, else the shipped file's."""
    return with_edited_texts(render_shipped(template, language, context), template, language, context)


def with_edited_texts(shipped: RenderedMessage, template: str, language: str,
                      context: Mapping[str, Any]) -> RenderedMessage:
    """`shipped` with the channels whose text an administrator saved replaced by that text."""
    from app.services.notifications.edited_texts import edited_parts, has_edits

    if not has_edits(template, language):
        return shipped
    current = get_locale()
    if current is not None and current.language == language:  # a bulk run already switched the locale
        edited = edited_parts(template, language, context)
    else:
        with force_locale(language):
            edited = edited_parts(template, language, context)
    if edited is None:
        return shipped
    if edited.text is not None:
        shipped = RenderedMessage(subject=edited.subject or "", text=edited.text, html=edited.html, sms=shipped.sms)
    if edited.sms is not None:
        shipped = RenderedMessage(subject=shipped.subject, text=shipped.text, html=shipped.html, sms=edited.sms)
    return shipped


def render_shipped(template: str, language: str, context: Mapping[str, Any]) -> RenderedMessage:
    """Renders `messages/<template>.txt` (blocks subject, text, sms) and the optional .html in `language`."""
    env = current_app.jinja_env
    with force_locale(language):
        text_template = env.get_template(f"messages/{template}.txt")
        ctx = text_template.new_context(dict(context, language=language))

        def block(name: str) -> str | None:
            render = text_template.blocks.get(name)
            return "".join(render(ctx)).strip() if render else None

        html = None
        if _exists(f"messages/{template}.html"):
            html = env.get_template(f"messages/{template}.html").render(**context, language=language)
        return RenderedMessage(subject=block("subject") or "", text=block("text") or "", html=html, sms=block("sms"))


def _exists(name: str) -> bool:
    try:
        current_app.jinja_env.get_template(name)
        return True
    except TemplateNotFound:
        return False


def queue_message(
    session: Session,
    *,
    template: str,
    language: str,
    context: Mapping[str, Any],
    email: str | None = None,
    mobile: str | None = None,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    sensitive: bool = False,
    not_before: dt.datetime | None = None,
    sms_not_before: dt.datetime | None = None,
    certificate_id: int | None = None,
    rendered: RenderedMessage | None = None,
) -> list[Notification]:
    """Queues the email and/or SMS of `template` in the caller's transaction; returns the new rows.

    With a `dedupe_key`, a message already queued for the same key and channel is not queued
    again (so retries, double submits and re-runs of a job send one message).
    """
    language = language if language in ("en", "ar") else "en"
    # `rendered`: a text already rendered (an administrator's test of a draft).
    rendered = rendered or render_message(template, language, context)
    now = now_utc(current_app.config)
    wanted = []
    if email:
        wanted.append(("email", email, rendered.subject, rendered.text, rendered.html, not_before or now))
    if mobile and rendered.sms:
        wanted.append(("sms", mobile, None, rendered.sms, None, sms_not_before or not_before or now))
    created = []
    for channel, recipient, subject, body, html, due in wanted:
        key = f"{dedupe_key}:{channel}" if dedupe_key else None
        if key and session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
            continue
        row = Notification(user_id=user_id, channel=channel, recipient=recipient, template=template,
                           language=language, subject=subject, body=body, html_body=html, dedupe_key=key,
                           status="queued", attempts=0, next_attempt_at=due, sensitive=sensitive,
                           certificate_id=certificate_id if channel == "email" else None)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            # Another transaction queued the same message first.
            continue
        created.append(row)
    return created


class Dispatcher:
    """Sends claimed notifications through the configured mailer and SMS sender."""

    def __init__(self, session: Session, config: Mapping[str, Any], mailer=None, sms_sender=None) -> None:
        self.session = session
        self.config = config
        self.mailer = mailer or make_mailer(config)
        self.sms_sender = sms_sender or make_sms_sender(config)
        self.max_attempts = int(config.get("OUTBOX_MAX_ATTEMPTS", 8))

    def deliver(self, ids: Iterable[int]) -> dict[str, int]:
        """Sends these notifications now if they are due (used right after a verification code is queued)."""
        return self._run(list(ids))

    def deliver_due(self, limit: int = 200) -> dict[str, int]:
        return self._run(None, limit)

    def _run(self, ids: list[int] | None, limit: int = 200) -> dict[str, int]:
        counts = {"sent": 0, "retry": 0, "failed": 0}
        for notification_id in self._claim(ids, limit):
            counts[self._send(notification_id)] += 1
        return counts

    def _claim(self, ids: list[int] | None, limit: int) -> list[int]:
        now = now_utc(self.config)
        due = or_(Notification.status == "queued", Notification.status == "sending")
        query = select(Notification.id).where(due, Notification.next_attempt_at <= now)
        if ids is not None:
            query = query.where(Notification.id.in_(ids))
        candidates = list(self.session.scalars(query.order_by(Notification.next_attempt_at).limit(limit)))
        claimed = []
        for notification_id in candidates:
            # Conditional update: only one dispatcher wins each row.
            result = self.session.execute(
                update(Notification)
                .where(Notification.id == notification_id, due, Notification.next_attempt_at <= now)
                .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
            )
            if result.rowcount == 1:
                claimed.append(notification_id)
        self.session.commit()
        return claimed

    def _send(self, notification_id: int) -> str:
        row = self.session.get(Notification, notification_id)
        now = now_utc(self.config)
        try:
            if row.channel == "email":
                receipt = self.mailer.send(MailMessage(to=row.recipient, subject=row.subject or "",
                                                       text_body=row.body, html_body=row.html_body,
                                                       attachments=self._attachments(row)))
            else:
                receipt = self.sms_sender.send(SmsMessage(to=row.recipient, text=row.body))
        except (DeliveryFailed, InvalidMessage) as error:
            permanent = isinstance(error, InvalidMessage) or error.permanent
            row.attempts += 1
            row.last_error = str(error)[:500]
            if permanent or row.attempts >= self.max_attempts:
                row.status = "failed"
                outcome = "failed"
                log.warning("%s #%s to %s failed for good: %s", row.channel, row.id, row.recipient, error)
            else:
                row.status = "queued"
                row.next_attempt_at = now + backoff(row.attempts)
                outcome = "retry"
                log.info("%s #%s will be retried at %s: %s", row.channel, row.id, row.next_attempt_at, error)
        else:
            row.attempts += 1
            row.status = "sent"
            row.sent_at = now
            row.provider_id = receipt.provider_id
            row.last_error = None
            if row.sensitive:
                row.body = SENT_SECRET_PLACEHOLDER
                row.html_body = None
            outcome = "sent"
        self.session.commit()
        return outcome


    def _attachments(self, row: Notification) -> tuple:
        """The certificate PDF an email carries: its signed file (signed now if it was queued, not kept here)."""
        if row.certificate_id is None:
            return ()
        from app.services.certificates.signed import signed_certificate_pdf
        from models import Certificate

        certificate = self.session.get(Certificate, row.certificate_id)
        if certificate is None:
            return ()
        return (MailAttachment(filename=f"certificate-{certificate.serial}.pdf", content=signed_certificate_pdf(self.session, certificate, keep=False)),)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... doubling per failed attempt, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def deliver_now(session: Session, notifications: list[Notification]) -> None:
    """Best-effort immediate delivery after the caller committed; failures stay queued for the job."""
    ids = [n.id for n in notifications if n.id is not None]
    if not ids:
        return
    try:
        Dispatcher(session, current_app.config).deliver(ids)
    except Exception:  # the outbox job retries whatever this did not send
        log.exception("Immediate delivery failed; the outbox job will retry")
        session.rollback()


def retry_failed(session: Session, ids: Iterable[int]) -> dict[str, int]:
    """Staff's "Retry now": puts failed notifications back in the queue and tries them at once.

    Only failed ones are touched; each retry is written to the audit log. Returns the counts
    of the immediate attempt plus how many were skipped (not failed).
    """
    from app.services.audit import trail as audit

    now = now_utc(current_app.config)
    wanted = list(ids)
    requeued = []
    for notification in session.scalars(select(Notification).where(Notification.id.in_(wanted))):
        if notification.status != "failed":
            continue
        notification.status = "queued"
        notification.next_attempt_at = now
        # One more try than the limit allows, so the dispatcher does not fail it unsent.
        notification.attempts = min(notification.attempts, int(current_app.config.get("OUTBOX_MAX_ATTEMPTS", 8)) - 1)
        audit.record(session, "notification_retry", "notification", str(notification.id),
                     {"channel": notification.channel, "template": notification.template,
                      "last_error": notification.last_error})
        requeued.append(notification.id)
    session.commit()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if requeued:
        counts = Dispatcher(session, current_app.config).deliver(requeued)
    counts["skipped"] = len(wanted) - len(requeued)
    return counts
