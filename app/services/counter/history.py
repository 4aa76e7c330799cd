"""The counter's part of a company's or member's history page: refunds and counter visits."""
from __future__ import annotations

from sqlalchemy.orm import Session


def counter_history(session: Session, order_ids: list[int], company_ids: list[int], limit: int):
    """(refunds, counter visits, audit entities to include) for these orders and companies, newest first."""
    return [], [], {}
