"""Effective-dated fee schedules, their per-grade annual fees, and vouchers. Amounts in baisa."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import (
    CheckConstraint,
    Date,
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
    times_used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def __repr__(self) -> str:
        return self.code
