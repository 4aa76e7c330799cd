"""Shared column helpers for Ghurfa's tables."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import DateTime, Index, text
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def live_rows_index(table: str) -> Index:
    """The keys of the records not archived, in order: a back-office list's deep pages and its count
    read this index alone (views/admin/paging.py)."""
    live = text("archived_at IS NULL")
    return Index(f"ix_{table}_live", "id", postgresql_where=live, sqlite_where=live)


class Timestamps:
    """created_at/updated_at in UTC (naive, stored as UTC everywhere)."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class Audited:
    """Marks a table whose every insert, update and delete is written to the audit log."""

    __audited__ = True


# The reader's language ("en" or "ar"), set by the web layer (views/display.py); English elsewhere.
reader_language: Callable[[], str] = lambda: "en"


class BilingualName:
    """A record with name_en and name_ar, shown (str) in the reader's language: in drop-downs, related
    columns and templates. repr() stays English, for logs."""

    def display_name(self) -> str:
        arabic = reader_language() == "ar" and getattr(self, "name_ar", None)
        return (self.name_ar if arabic else self.name_en) or self.name_ar or ""

    def __str__(self) -> str:
        return self.display_name()
