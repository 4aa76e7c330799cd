"""Membership certificates: what each printed, kept as a snapshot, which replaced which, and which were revoked."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, utcnow


class Certificate(Audited, Model):
    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint("expires_on >= issued_on", name="ck_certificate_expiry_after_issue"),
        CheckConstraint(
            "revoke_reason IS NULL OR revoke_reason IN ('issued_in_error', 'membership_cancelled', 'fraud', 'other',"
            " 'membership_changed', 'refunded')",
            name="ck_certificate_revoke_reason",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    # Random, unguessable from the serial: the QR link's secret.
    verify_token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), nullable=False, index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("service_order.id"), unique=True)
    issued_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    superseded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Revoked: no longer valid, with or without a successor (app/services/certificates/lifecycle.py).
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    revoke_reason: Mapped[str | None] = mapped_column(String(24))
    revoke_note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    membership = relationship("Membership", back_populates="certificates")
    superseded_by = relationship("Certificate", remote_side=[id])

    def __repr__(self) -> str:
        return self.serial
