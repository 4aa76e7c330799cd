"""Voucher uses: reserved when an order is placed, counted once when it is paid, released when it
closes unpaid.

Every change is one conditional UPDATE, so concurrent requests can never take more uses than
the limit allows: `times_used + times_reserved < use_limit` is checked and the reservation
taken in the same statement (on PostgreSQL a second transaction waits for the first's row
lock and then re-checks the condition; SQLite serialises writers). A voucher limited to one
use per company is guarded by the unique (voucher, company_key) of its redemptions. The
redemption row moves reserved -> used or reserved -> released once, by a conditional
status change, and only the transaction that moved it touches the counters.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.domain.errors import VoucherTaken, VoucherUsedByCompany
from app.infrastructure.transitions import change_status
from app.services.audit.trail import append_entries, current_actor
from models import ServiceOrder, Voucher, VoucherRedemption

log = logging.getLogger("ghurfa.vouchers")


def used_by_company(session: Session, voucher: Voucher, company_id: int) -> bool:
    """Whether the company holds a use of the voucher (reserved or paid)."""
    return bool(session.scalar(select(exists().where(
        VoucherRedemption.voucher_id == voucher.id, VoucherRedemption.company_id == company_id,
        VoucherRedemption.status.in_(("reserved", "used"))))))


def _count(session: Session, voucher_id: int, action: str, where, **deltas: int) -> bool:
    """Moves the voucher's counters by `deltas` if `where` holds; writes the audit row in the same transaction."""
    result = session.execute(
        update(Voucher).where(Voucher.id == voucher_id, *where)
        .values({name: getattr(Voucher, name) + delta for name, delta in deltas.items()})
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    actor, user_id = current_actor()
    append_entries(session, [{"action": action, "entity": "voucher", "entity_id": str(voucher_id),
                              "before": None, "after": {name: f"{delta:+d}" for name, delta in deltas.items()}}],
                   actor=actor, user_id=user_id)
    return True


def reserve(session: Session, order: ServiceOrder, *, discount: int) -> VoucherRedemption:
    """Takes one use of the order's voucher for the order (no commit); VoucherTaken if none is left.

    The caller rolls back on VoucherTaken/VoucherUsedByCompany: the order must not be placed
    with a discount it could not reserve.
    """
    voucher = order.voucher
    within_limit = or_(Voucher.use_limit.is_(None),
                       Voucher.times_used + Voucher.times_reserved < Voucher.use_limit)
    if not _count(session, voucher.id, "voucher_reserve", [within_limit],
                  times_reserved=1):
        log.info("voucher %s used up before order %s could reserve it", voucher.code, order.reference)
        raise VoucherTaken(code=voucher.code)
    redemption = VoucherRedemption(voucher_id=voucher.id, order_id=order.id, company_id=order.company_id,
                                   company_key=order.company_id if voucher.once_per_company else None,
                                   status="reserved", discount=discount)
    session.add(redemption)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise VoucherUsedByCompany(code=voucher.code) from None
    _forget_counts(session, voucher.id)
    return redemption


def _forget_counts(session: Session, voucher_id: int) -> None:
    """The counters changed in the database: a loaded voucher re-reads them (nothing else is expired)."""
    voucher = session.identity_map.get(identity_key(Voucher, voucher_id))
    if voucher is not None:
        session.expire(voucher, ["times_used", "times_reserved"])


def _redemption(session: Session, order: ServiceOrder) -> VoucherRedemption | None:
    return session.scalar(select(VoucherRedemption).where(VoucherRedemption.order_id == order.id))


def release(session: Session, order: ServiceOrder, *, now: dt.datetime) -> bool:
    """Gives back the use an order closed unpaid had reserved (no commit); False if it held none."""
    if order.voucher_id is None:
        return False
    redemption = _redemption(session, order)
    if redemption is None or not change_status(session, redemption, ("reserved",), "released",
                                               released_at=now, company_key=None):
        return False
    _count(session, order.voucher_id, "voucher_release", [Voucher.times_reserved > 0],
           times_reserved=-1)
    _forget_counts(session, order.voucher_id)
    return True


def count_use(session: Session, order: ServiceOrder, *, now: dt.datetime) -> bool:
    """Counts the voucher once for a paid order (no commit); False if it was counted already.

    A reserved use turns into a paid one. An order paid after it had closed (its reservation
    released) still got its discount, so the use is counted again even past the limit.
    """
    if order.voucher_id is None:
        return False
    redemption = _redemption(session, order)
    if redemption is not None and change_status(session, redemption, ("reserved",), "used", used_at=now):
        _count(session, order.voucher_id, "voucher_use", [Voucher.times_reserved > 0],
               times_reserved=-1, times_used=1)
    elif redemption is not None and change_status(session, redemption, ("released",), "used", used_at=now):
        log.warning("order %s paid after its voucher use was released; counted again", order.reference)
        _count(session, order.voucher_id, "voucher_use", [], times_used=1)
    elif redemption is None:
        # Orders placed before uses were reserved: count them as they were counted then.
        session.add(VoucherRedemption(voucher_id=order.voucher_id, order_id=order.id,
                                      company_id=order.company_id, status="used", used_at=now,
                                      discount=-sum(line.amount for line in order.lines if line.kind == "voucher")))
        _count(session, order.voucher_id, "voucher_use", [], times_used=1)
    else:
        return False
    _forget_counts(session, order.voucher_id)
    return True

