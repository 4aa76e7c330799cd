"""Service requests (orders) with their quoted fee lines, and the payments made for them."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, Timestamps

SERVICES = ("new_membership", "renewal", "replacement", "name_change", "grade_change")
ORDER_STATUSES = ("draft", "pending_payment", "review", "paid", "fulfilled", "cancelled", "expired", "failed")
OPEN_STATUSES = ("draft", "pending_payment", "review")
OPEN_WHERE = "status IN ('draft', 'pending_payment', 'review')"


class ServiceOrder(Audited, Timestamps, Model):
    __tablename__ = "service_order"
    __table_args__ = (
        CheckConstraint(
            "service IN ('new_membership', 'renewal', 'replacement', 'name_change', 'grade_change')",
            name="ck_order_service",
        ),
        CheckConstraint(
            "status IN ('draft', 'pending_payment', 'review', 'paid', 'fulfilled', 'cancelled',"
            " 'expired', 'failed')",
            name="ck_order_status",
        ),
        CheckConstraint("total >= 0", name="ck_order_total"),
        Index("ix_order_status_created", "status", "created_at"),
        Index("ix_order_membership_service", "membership_id", "service"),
        # One open request per company and service (so per membership and service): a second
        # concurrent request fails here even if two checks ran at the same moment.
        Index("uq_order_open_per_company_service", "company_id", "service", unique=True,
              sqlite_where=text(OPEN_WHERE), postgresql_where=text(OPEN_WHERE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    service: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), nullable=False, index=True)
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    fee_schedule_id: Mapped[int | None] = mapped_column(ForeignKey("fee_schedule.id"))
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id"))
    quoted_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_months: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer, nullable=False)  # baisa
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="OMR")
    # What the service will apply once paid (new expiry, new grade, new names ...).
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    fulfilled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user = relationship("User", foreign_keys=[user_id])
    company = relationship("Company")
    membership = relationship("Membership")
    fee_schedule = relationship("FeeSchedule")
    voucher = relationship("Voucher")
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.position"
    )
    payments: Mapped[list["Payment"]] = relationship(back_populates="order", order_by="Payment.id")

    def __repr__(self) -> str:
        return self.reference


class OrderLine(Audited, Model):
    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)  # baisa; a voucher line is negative

    order: Mapped[ServiceOrder] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"{self.kind}: {self.amount}"


class Payment(Audited, Timestamps, Model):
    """One attempt at the hosted payment page. Holds no card data, ever.

    'superseded': still unanswered when another attempt paid the order; 'duplicate': accepted
    after its order was already paid (the money is to be refunded).
    """

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'review', 'declined', 'cancelled', 'error', 'expired',"
            " 'superseded', 'duplicate')",
            name="ck_payment_status",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), nullable=False, index=True)
    gateway: Mapped[str] = mapped_column(String(20), nullable=False)
    transaction_uuid: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    gateway_transaction_id: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer, nullable=False)  # baisa
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="OMR")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    decision: Mapped[str | None] = mapped_column(String(12))
    reason_code: Mapped[str | None] = mapped_column(String(12))
    message: Mapped[str | None] = mapped_column(String(300))
    reply_fields: Mapped[dict | None] = mapped_column(JSON)
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    order: Mapped[ServiceOrder] = relationship(back_populates="payments")

    def __repr__(self) -> str:
        return self.transaction_uuid
