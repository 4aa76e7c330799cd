"""Membership expiry reminders already queued: one row per membership, offset and expiry date."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import utcnow


class ReminderSent(Model):
    __tablename__ = "reminder_sent"
    __table_args__ = (
        # The guarantee of "exactly once": a second run (or a concurrent one) cannot insert it again.
        UniqueConstraint("membership_id", "offset_days", "expires_on", name="uq_reminder_sent"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), nullable=False)
    # Days before expiry (negative: after expiry).
    offset_days: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    recipients: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
