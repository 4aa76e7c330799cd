"""What operators watch: the scheduler process's heartbeat."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class SchedulerHeartbeat(Model):
    """One row per scheduler process host: the last time it said it was alive (readiness reads the newest)."""

    __tablename__ = "scheduler_heartbeat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    beat_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
