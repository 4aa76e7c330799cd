"""One-time codes and password reset links of an account: only their keyed hash is kept."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamps


class VerificationCode(Timestamps, Model):
    """The live code of one account for one purpose (email, mobile, reset); a new code replaces the old."""

    __tablename__ = "verification_code"
    __table_args__ = (
        UniqueConstraint("user_id", "purpose", name="uq_verification_code_user_purpose"),
        CheckConstraint("purpose IN ('email', 'mobile', 'reset')", name="ck_verification_code_purpose"),
        CheckConstraint("attempts >= 0", name="ck_verification_code_attempts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(10), nullable=False)
    # HMAC-SHA256 (hex) keyed with SECRET_KEY; reset links are looked up by it.
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    # The address or number the code went to: a code proves that one, not a later one.
    sent_to: Mapped[str] = mapped_column(String(320), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Resend limits: when the last code went out, and how many went out in the current window.
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    window_started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    user = relationship("User", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"{self.purpose} code of user {self.user_id}"
