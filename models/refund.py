"""Refunds: asked for by one person, approved or rejected by another (an Admin), then paid back once."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, Timestamps, utcnow

REFUND_STATUSES = ("requested", "rejected", "approved", "pending_gateway", "refunded", "failed")
OPEN_REFUND_WHERE = "status IN ('requested', 'approved', 'pending_gateway')"


class Refund(Audited, Timestamps, Model):
    __tablename__ = "refund"
    __table_args__ = (
        CheckConstraint("amount > 0", name="ck_refund_amount"),
        CheckConstraint("status IN ('requested', 'rejected', 'approved', 'pending_gateway', 'refunded', 'failed')",
                        name="ck_refund_status"),
        CheckConstraint("scope IN ('full', 'lines', 'duplicate')", name="ck_refund_scope"),
        CheckConstraint("method IS NULL OR method IN ('gateway', 'cash', 'transfer')", name="ck_refund_method"),
        # One refund in progress per order: a second request waits for the first to end.
        Index("uq_refund_open_per_order", "order_id", unique=True,
              sqlite_where=text(OPEN_REFUND_WHERE), postgresql_where=text(OPEN_REFUND_WHERE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), nullable=False, index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)  # baisa
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="OMR")
    scope: Mapped[str] = mapped_column(String(12), nullable=False)
    line_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="requested")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    requested_by: Mapped[str] = mapped_column(String(128), nullable=False)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(String(300))
    # gateway (through the gateway that took the payment), or cash / transfer for a counter payment.
    method: Mapped[str | None] = mapped_column(String(10))
    payout_reference: Mapped[str | None] = mapped_column(String(60))
    gateway_refund_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
    refunded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    credit_note_number: Mapped[str | None] = mapped_column(String(24), unique=True)
    # What the refund undid (membership expiry, grade, names; certificates revoked and issued).
    rollback: Mapped[dict | None] = mapped_column(JSON)

    order = relationship("ServiceOrder")
    payment = relationship("Payment")

    def __repr__(self) -> str:
        return self.reference
