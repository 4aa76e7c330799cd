"""Chamber memberships: one OCCI number per company membership."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, Timestamps


class Membership(Audited, Timestamps, Model):
    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint("expires_on >= joined_on", name="ck_membership_expiry_after_joining"),
        Index("ix_membership_expires_on", "expires_on"),
        Index("ix_membership_company", "company_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occi_number: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), nullable=False)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"), nullable=False)
    joined_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # Archived from the back office: hidden from lists, kept for history and exports; never deleted.
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    company = relationship("Company", back_populates="memberships")
    grade = relationship("Grade")
    certificates = relationship("Certificate", back_populates="membership", order_by="Certificate.id")

    def __repr__(self) -> str:
        return self.occi_number


def _status(membership: Membership) -> str:
    # The rule lives in app.domain; the model only supplies today's date and the grace length.
    from flask import current_app

    from app.domain.membership import membership_status
    from app.infrastructure.clock import today

    return membership_status(membership.expires_on, today(current_app.config), current_app.config["GRACE_DAYS"])


def _status_label(membership: Membership) -> str:
    from flask_babel import gettext

    from app.domain.membership import STATUS_LABELS

    return gettext(STATUS_LABELS[_status(membership)])


Membership.status = property(_status)
Membership.status_label = property(_status_label)
