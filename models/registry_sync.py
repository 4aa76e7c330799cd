"""Registry synchronisation: where the sync stands, changes waiting for members, flags for staff."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, utcnow


class RegistrySyncState(Model):
    """One row (id 1): the change-feed cursor, committed with every batch so a crash resumes there."""

    __tablename__ = "registry_sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(200))
    # Set while a full import is under way (it restarts the feed from the beginning).
    full_started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_full_sync_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    companies_seen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class RegistryChange(Model):
    """A name or grade the registry now holds that differs from the chamber's: the member applies it."""

    __tablename__ = "registry_change"
    __table_args__ = (
        CheckConstraint("kind IN ('name', 'grade')", name="ck_registry_change_kind"),
        Index("ix_registry_change_company_open", "company_id", "kind", "resolved_at"),
        Index("ix_registry_change_unnotified", "notified_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(5), nullable=False)
    old_name_en: Mapped[str | None] = mapped_column(String(200))
    old_name_ar: Mapped[str | None] = mapped_column(String(200))
    new_name_en: Mapped[str | None] = mapped_column(String(200))
    new_name_ar: Mapped[str | None] = mapped_column(String(200))
    old_grade_id: Mapped[int | None] = mapped_column(ForeignKey("grade.id"))
    new_grade_id: Mapped[int | None] = mapped_column(ForeignKey("grade.id"))
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    company = relationship("Company")
    old_grade = relationship("Grade", foreign_keys=[old_grade_id])
    new_grade = relationship("Grade", foreign_keys=[new_grade_id])

    def __repr__(self) -> str:
        return f"{self.kind} change of company {self.company_id}"


class RegistryFlag(Audited, Model):
    """Something at the registry staff must look at (a CR cancelled, expired or no longer listed); open until handled."""

    __tablename__ = "registry_flag"
    __table_args__ = (
        CheckConstraint("kind IN ('cr_cancelled', 'cr_expired', 'cr_missing')", name="ck_registry_flag_kind"),
        Index("ix_registry_flag_company_open", "company_id", "kind", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(14), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(128))

    company = relationship("Company")

    def __repr__(self) -> str:
        return f"{self.kind} {self.company_id}"
