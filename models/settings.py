"""What administrators change in the back office without a release: chamber settings and message texts."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, utcnow


class ChamberSetting(Audited, Model):
    """One setting (the chamber's phone, the reminder offsets, a job's schedule) as JSON, by key."""

    __tablename__ = "chamber_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)


class MessageTemplateVersion(Audited, Model):
    """One saved text of one message, channel and language; the active one replaces the shipped file's text.

    Every save is a new row (a version); rolling back activates an earlier one; restoring
    the shipped text deactivates them all.
    """

    __tablename__ = "message_template_version"
    __table_args__ = (
        UniqueConstraint("template", "channel", "language", "version", name="uq_message_template_version"),
        CheckConstraint("channel IN ('email', 'sms')", name="ck_message_template_channel"),
        CheckConstraint("language IN ('en', 'ar')", name="ck_message_template_language"),
        Index("ix_message_template_lookup", "template", "channel", "language", "active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template: Mapped[str] = mapped_column(String(64), nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    created_by = relationship("User", foreign_keys=[created_by_id])
