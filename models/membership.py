"""Chamber memberships: one OCCI number per company membership."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from flask_appbuilder import Model
from flask_babel import gettext
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.membership import STATUS_LABELS, membership_status
from models.base import Audited, Timestamps, live_rows_index


class Membership(Audited, Timestamps, Model):
    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint("expires_on >= joined_on", name="ck_membership_expiry_after_joining"),
        Index("ix_membership_expires_on", "expires_on"),
        Index("ix_membership_company", "company_id"),
        live_rows_index("membership"),
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

    # Today's date and the grace period in days, as the running application sees them; set by
    # create_app (the rule itself is app.domain.membership's).
    status_clock: ClassVar[Callable[[], tuple[dt.date, int]] | None] = None

    @property
    def status(self) -> str:
        if Membership.status_clock is None:
            raise RuntimeError("Membership.status needs the application's clock (create_app sets it).")
        today, grace_days = Membership.status_clock()
        return membership_status(self.expires_on, today, grace_days)

    @property
    def status_label(self) -> str:
        return gettext(STATUS_LABELS[self.status])

    def __repr__(self) -> str:
        return self.occi_number
