"""Archiving companies, memberships and signatories: hidden from the back office's lists, never deleted.

An archived record keeps its history (orders, certificates, audit entries) and stays in
exports; restoring it shows it in the lists again. Both are audited as edits.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from models import Company, Membership, Signatory

ARCHIVABLE = (Company, Membership, Signatory)


def archive(session: Session, records: Iterable, *, now: dt.datetime) -> int:
    """Archives the records not archived yet (commits); how many it archived."""
    count = 0
    for record in records:
        if not isinstance(record, ARCHIVABLE):
            raise TypeError(f"{type(record).__name__} cannot be archived")
        if record.archived_at is None:
            record.archived_at = now
            count += 1
    session.commit()
    return count


def restore(session: Session, records: Iterable) -> int:
    """Shows archived records in the lists again (commits); how many it restored."""
    count = 0
    for record in records:
        if record.archived_at is not None:
            record.archived_at = None
            count += 1
    session.commit()
    return count
