"""Named counters that hand out numbers once each: OCCI numbers and service request references."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class Counter(Model):
    __tablename__ = "counter"
    __table_args__ = (CheckConstraint("value >= 0", name="ck_counter_value"),)

    # e.g. "occi_number", "order_reference"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The last number handed out.
    value: Mapped[int] = mapped_column(Integer, nullable=False)

    def __repr__(self) -> str:
        return f"{self.name}={self.value}"
