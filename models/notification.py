"""The notification outbox: every email and SMS Ghurfa sends, queued, retried and recorded."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps


class Notification(Timestamps, Model):
    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'sms')", name="ck_notification_channel"),
        CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed')", name="ck_notification_status"
        ),
        Index("ix_notification_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(5), nullable=False)
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)
    template: Mapped[str] = mapped_column(String(60), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="en")
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    html_body: Mapped[str | None] = mapped_column(Text)
    # Makes queueing idempotent: the same event never queues the same message twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    last_error: Mapped[str | None] = mapped_column(String(500))
    provider_id: Mapped[str | None] = mapped_column(String(200))
    # Messages carrying a secret (a verification code, a reset link) are blanked once delivered.
    sensitive: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # An email that carries a membership certificate: its PDF is attached when the mail is sent.
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])

    @property
    def text_for_staff(self) -> str | None:
        """The text as the back office shows it: None for a message carrying a secret."""
        return None if self.sensitive else self.body

    def __repr__(self) -> str:
        return f"{self.channel} {self.template} → {self.recipient}"
