"""The chamber's counter: visits (the civil ID card checked), payments taken there, and the daily cash-up."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Audited, utcnow

COUNTER_METHODS = ("cash", "cheque", "transfer", "card_terminal")
_METHODS_SQL = "('cash', 'cheque', 'transfer', 'card_terminal')"


class CounterVisit(Audited, Model):
    """A member served at the counter: who served them, and the civil ID card staff checked."""

    __tablename__ = "counter_visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), nullable=False, index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("service_order.id"), unique=True)
    service: Mapped[str] = mapped_column(String(20), nullable=False)
    # The civil ID typed from the card, and the registry signatory it matched.
    civil_id: Mapped[str] = mapped_column(String(20), nullable=False)
    signatory_id: Mapped[int | None] = mapped_column(ForeignKey("signatory.id"))
    id_card_checked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    served_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    served_by: Mapped[str] = mapped_column(String(128), nullable=False)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    # Where the certificate, receipt email and SMS go.
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_mobile: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="ar")

    company = relationship("Company")
    order = relationship("ServiceOrder")
    signatory = relationship("Signatory")

    def __repr__(self) -> str:
        return f"{self.served_by} {self.checked_at:%Y-%m-%d %H:%M}"


class CounterPayment(Audited, Model):
    """How a counter payment was made; the Payment row beside it is what settled the order."""

    __tablename__ = "counter_payment"
    __table_args__ = (
        CheckConstraint(f"method IN {_METHODS_SQL}", name="ck_counter_payment_method"),
        CheckConstraint("card_last4 IS NULL OR length(card_last4) = 4", name="ck_counter_payment_last4"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), unique=True, nullable=False)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), nullable=False, index=True)
    method: Mapped[str] = mapped_column(String(14), nullable=False)
    cheque_number: Mapped[str | None] = mapped_column(String(30))
    bank: Mapped[str | None] = mapped_column(String(80))
    transfer_reference: Mapped[str | None] = mapped_column(String(60))
    terminal_reference: Mapped[str | None] = mapped_column(String(60))
    # At most the last four digits of a card paid at the terminal; never more.
    card_last4: Mapped[str | None] = mapped_column(String(4))
    received_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    received_by: Mapped[str] = mapped_column(String(128), nullable=False)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    business_day: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    # The secret in the receipt's QR code (the public receipt check).
    receipt_token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)

    payment = relationship("Payment")
    order = relationship("ServiceOrder")

    def __repr__(self) -> str:
        return f"{self.method} {self.business_day}"


class CashEntry(Audited, Model):
    """One line of the counter's takings: a payment taken (positive) or money paid back (negative).

    Never edited: a correction is a new entry, on the day it is made.
    """

    __tablename__ = "cash_entry"
    __table_args__ = (
        CheckConstraint(f"method IN {_METHODS_SQL}", name="ck_cash_entry_method"),
        Index("ix_cash_entry_day_staff", "business_day", "staff_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    staff_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    staff: Mapped[str] = mapped_column(String(128), nullable=False)
    method: Mapped[str] = mapped_column(String(14), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)  # baisa; negative for money paid back
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), nullable=False)
    counter_payment_id: Mapped[int | None] = mapped_column(ForeignKey("counter_payment.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    order = relationship("ServiceOrder")

    def __repr__(self) -> str:
        return f"{self.business_day} {self.staff} {self.method} {self.amount}"


class CashUp(Audited, Model):
    """A closed counter day: its totals as they were when closed; no entry is added to it afterwards."""

    __tablename__ = "cash_up"
    __table_args__ = (UniqueConstraint("business_day", name="uq_cash_up_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    closed_by: Mapped[str] = mapped_column(String(128), nullable=False)
    totals: Mapped[dict] = mapped_column(JSON, nullable=False)

    def __repr__(self) -> str:
        return f"{self.business_day}"
