"""Effective-dated fee schedules, their per-grade annual fees, and vouchers. Amounts in baisa."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, Timestamps


class FeeSchedule(Audited, Timestamps, Model):
    __tablename__ = "fee_schedule"
    __table_args__ = (
        CheckConstraint(
            "registration_fee >= 0 AND replacement_fee >= 0 AND name_change_fee >= 0"
            " AND grade_change_fee >= 0 AND late_fee_per_month >= 0",
            name="ck_fee_schedule_non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A schedule is in force from this date until the next schedule's date.
    effective_from: Mapped[dt.date] = mapped_column(Date, unique=True, nullable=False)
    note: Mapped[str | None] = mapped_column(String(200))
    registration_fee: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    replacement_fee: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name_change_fee: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    grade_change_fee: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    late_fee_per_month: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    grade_fees: Mapped[list["GradeFee"]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="GradeFee.grade_id"
    )

    def __repr__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"


class GradeFee(Audited, Model):
    __tablename__ = "grade_fee"
    __table_args__ = (
        UniqueConstraint("schedule_id", "grade_id", name="uq_grade_fee_schedule_grade"),
        CheckConstraint("annual_fee >= 0", name="ck_grade_fee_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("fee_schedule.id", ondelete="CASCADE"), nullable=False)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"), nullable=False)
    annual_fee: Mapped[int] = mapped_column(Integer, nullable=False)

    schedule: Mapped[FeeSchedule] = relationship(back_populates="grade_fees")
    grade = relationship("Grade")

    def __repr__(self) -> str:
        return f"{self.grade}: {self.annual_fee}"


class Voucher(Audited, Timestamps, Model):
    __tablename__ = "voucher"
    __table_args__ = (
        CheckConstraint("kind IN ('fixed', 'percent')", name="ck_voucher_kind"),
        CheckConstraint("value >= 0", name="ck_voucher_value"),
        CheckConstraint("kind <> 'percent' OR value <= 100", name="ck_voucher_percent"),
        CheckConstraint("valid_to >= valid_from", name="ck_voucher_dates"),
        CheckConstraint("times_used >= 0", name="ck_voucher_used"),
        CheckConstraint("times_reserved >= 0", name="ck_voucher_reserved"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    description: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="fixed")
    # baisa for a fixed voucher, whole percent for a percent voucher
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    valid_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[dt.date] = mapped_column(Date, nullable=False)
    use_limit: Mapped[int | None] = mapped_column(Integer)
    # Paid orders that used the voucher, and unpaid orders holding a use (see
    # app.services.membership.vouchers): together never more than use_limit.
    times_used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    times_reserved: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Which services and grades it discounts (None: all), and whether a company may use it once only.
    services: Mapped[list | None] = mapped_column(JSON)
    grades: Mapped[list | None] = mapped_column(JSON)
    once_per_company: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    redemptions: Mapped[list["VoucherRedemption"]] = relationship(
        back_populates="voucher", order_by="VoucherRedemption.id", viewonly=True)

    def __repr__(self) -> str:
        return self.code


REDEMPTION_STATUSES = ("reserved", "used", "released")


class VoucherRedemption(Audited, Timestamps, Model):
    """One order's use of a voucher: reserved when placed, used when paid, released when it closed unpaid."""

    __tablename__ = "voucher_redemption"
    __table_args__ = (
        CheckConstraint("status IN ('reserved', 'used', 'released')", name="ck_voucher_redemption_status"),
        # A voucher limited to one use per company: `company_key` is the company while the use
        # holds (NULL otherwise, and NULLs never clash), so a second concurrent use fails here.
        UniqueConstraint("voucher_id", "company_key", name="uq_voucher_redemption_company"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("voucher.id"), nullable=False, index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), nullable=False, unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), nullable=False, index=True)
    company_key: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="reserved")
    discount: Mapped[int] = mapped_column(Integer, nullable=False)  # baisa
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    released_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    voucher: Mapped[Voucher] = relationship(back_populates="redemptions")
    order = relationship("ServiceOrder")
    company = relationship("Company")

    def __repr__(self) -> str:
        return f"{self.voucher_id}:{self.order_id}"
