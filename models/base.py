"""Shared column helpers for Ghurfa's tables."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Timestamps:
    """created_at/updated_at in UTC (naive, stored as UTC everywhere)."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class Audited:
    """Marks a table whose every insert, update and delete is written to the audit log."""

    __audited__ = True
