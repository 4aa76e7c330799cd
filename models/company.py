"""Companies as the commercial registry lists them, and their signatories."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, BilingualName, Timestamps, live_rows_index

CR_STATUSES = ("active", "cancelled", "expired", "suspended")


class Company(BilingualName, Audited, Timestamps, Model):
    __tablename__ = "company"
    __table_args__ = (
        CheckConstraint(
            "cr_status IN ('active', 'cancelled', 'expired', 'suspended')", name="ck_company_cr_status"
        ),
        Index("ix_company_name_en", "name_en"),
        live_rows_index("company"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cr_number: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    # The names the chamber holds (printed on certificates) ...
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(200), nullable=False)
    # ... and the names the registry holds now; they differ until a name change is done.
    registry_name_en: Mapped[str | None] = mapped_column(String(200))
    registry_name_ar: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    governorate_id: Mapped[int | None] = mapped_column(ForeignKey("governorate.id"))
    registry_grade_id: Mapped[int | None] = mapped_column(ForeignKey("grade.id"))
    cr_status: Mapped[str] = mapped_column(String(12), nullable=False, default="active")
    cr_expires_on: Mapped[dt.date | None] = mapped_column(Date)
    registry_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Archived from the back office: hidden from lists, kept for history and exports; never deleted.
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    governorate = relationship("Governorate")
    registry_grade = relationship("Grade")
    signatories: Mapped[list["Signatory"]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="Signatory.id"
    )
    memberships = relationship("Membership", back_populates="company", order_by="Membership.id")

    def __repr__(self) -> str:
        return f"{self.cr_number} {self.name_en}"

    def __str__(self) -> str:
        return f"{self.cr_number} {self.display_name()}"


class Signatory(Audited, Timestamps, Model):
    """A civil ID the registry allows to act for a company."""

    __tablename__ = "signatory"
    __table_args__ = (
        UniqueConstraint("company_id", "civil_id", name="uq_signatory_company_civil_id"),
        Index("ix_signatory_civil_id", "civil_id"),
        live_rows_index("signatory"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), nullable=False)
    civil_id: Mapped[str] = mapped_column(String(20), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(80))
    # Removed at the registry: kept for history, but no longer allowed to act.
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    company: Mapped[Company] = relationship(back_populates="signatories")

    @hybrid_property
    def may_act(self) -> bool:
        """Listed by the registry and not archived by staff: allowed to act for the company, online or at the counter."""
        return self.active and self.archived_at is None

    @may_act.inplace.expression
    @classmethod
    def _may_act(cls):
        return and_(cls.active.is_(True), cls.archived_at.is_(None))

    def __repr__(self) -> str:
        return self.civil_id
