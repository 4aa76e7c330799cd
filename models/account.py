"""A member's portal account: the details the registration form asks for, beside FAB's user."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, Timestamps

ID_TYPES = ("civil_id", "resident_card", "passport")


class Member(Audited, Timestamps, Model):
    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("id_type", "id_number", name="uq_member_identity"),
        CheckConstraint("id_type IN ('civil_id', 'resident_card', 'passport')", name="ck_member_id_type"),
        CheckConstraint("language IN ('en', 'ar')", name="ck_member_language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(64), nullable=False)
    middle_name: Mapped[str | None] = mapped_column(String(64))
    family_name: Mapped[str | None] = mapped_column(String(64))
    mobile: Mapped[str] = mapped_column(String(20), nullable=False)  # E.164
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="OM")
    id_type: Mapped[str] = mapped_column(String(16), nullable=False)
    id_number: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    cr_number: Mapped[str | None] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="en")
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    mobile_verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user = relationship("User", foreign_keys=[user_id])

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None and self.mobile_verified_at is not None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.family_name) if p)

    def __repr__(self) -> str:
        return self.full_name
