"""Numbers handed out once each (OCCI numbers, request references) from the counter table.

A number is taken by an UPDATE ... RETURNING on the counter's row: PostgreSQL locks the
row until the transaction ends and SQLite has a single writer, so two transactions never
get the same number. A number taken by a transaction that rolls back is lost (a gap), never
given twice.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Counter, Membership

OCCI_COUNTER = "occi_number"
REFERENCE_COUNTER = "order_reference"
# New OCCI numbers continue after the highest one in use; this is where an empty register starts.
FIRST_OCCI_NUMBER = 1_000_000


def next_value(session: Session, name: str, *, first: Callable[[], int]) -> int:
    """The counter's next number; a missing counter starts at first() (no commit)."""
    taken = session.execute(
        update(Counter.__table__).where(Counter.name == name)
        .values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if taken is not None:
        return taken
    start = first()
    try:
        with session.begin_nested():
            session.execute(Counter.__table__.insert().values(name=name, value=start))
    except IntegrityError:
        # Another transaction created the counter first: take the next number from it.
        return next_value(session, name, first=first)
    return start


def _first_occi_number(session: Session) -> int:
    numbers = [int(n) for n in session.scalars(select(Membership.occi_number)) if n.isdigit()]
    return max(numbers, default=FIRST_OCCI_NUMBER - 1) + 1


def allocate_occi_number(session: Session) -> str:
    """A new OCCI number, unique even beside numbers staff typed in by hand."""
    while True:
        number = str(next_value(session, OCCI_COUNTER, first=lambda: _first_occi_number(session)))
        if session.scalar(select(Membership.id).where(Membership.occi_number == number)) is None:
            return number


def allocate_reference_number(session: Session) -> int:
    return next_value(session, REFERENCE_COUNTER, first=lambda: 1)
