"""A record of every scheduled job run: when, how it ended, and what it did."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import utcnow


class JobRun(Model):
    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(40), nullable=False)
    trigger: Mapped[str] = mapped_column(String(20), nullable=False, default="schedule")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="running")
    counts: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # Who holds the run's lock (host:pid:token, or the PostgreSQL backend holding the advisory lock).
    holder: Mapped[str | None] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"


class JobLock(Model):
    """A job's run lock on databases without advisory locks (SQLite): held until released or the lease ends."""

    __tablename__ = "job_lock"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(80))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    acquired_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
