"""Vouchers: a fixed or percentage discount on a payment, valid between two dates.

A fixed voucher's `value` is baisa (typed and shown in rials); a percentage voucher's
`value` is a whole percent from 1 to 100, applied to the subtotal and rounded half up
to a baisa (see money.py). Both dates are inclusive. `use_limit` None means unlimited;
the uses held are those paid (`times_used`) and those reserved by unpaid orders
(`times_reserved`). A voucher may be limited to some services and some grades (None:
all), and to one use per company. A discount is never more than the subtotal, so a
total never goes below zero.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.dates import require_date
from app.domain.errors import (
    InvalidUseLimit,
    VoucherNotForGrade,
    VoucherNotForService,
    VoucherUsedByCompany,
    InvalidVoucherCode,
    InvalidVoucherKind,
    VoucherDatesReversed,
    VoucherExpired,
    VoucherNotYetValid,
    VoucherOverLimit,
    VoucherUsedUp,
    VoucherValueNotPositive,
)
from app.domain.labels import VOUCHER_KINDS
from app.domain.money import percent_of, require_baisa

CODE_MIN_LENGTH = 3
CODE_MAX_LENGTH = 32
_CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


class VoucherKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"


VOUCHER_KIND_LABELS = {kind: VOUCHER_KINDS[kind.value] for kind in VoucherKind}


@dataclass(frozen=True)
class Voucher:
    """A discount code as the chamber defined it, with how often it was used."""

    code: str
    kind: str  # a VoucherKind value
    value: int  # baisa when fixed, whole percent when percent
    valid_from: date
    valid_to: date  # last day it can be used
    use_limit: int | None = None
    times_used: int = 0
    times_reserved: int = 0
    services: tuple[str, ...] | None = None  # None: every service
    grades: tuple[str, ...] | None = None  # grade codes; None: every grade
    once_per_company: bool = False

    def __post_init__(self) -> None:
        require_date(self.valid_from, "valid_from")
        require_date(self.valid_to, "valid_to")
        require_baisa(self.value, "value")
        _require_count(self.times_used, "times_used")
        _require_count(self.times_reserved, "times_reserved")
        if self.use_limit is not None:
            _require_count(self.use_limit, "use_limit")
        for name in ("services", "grades"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(value))

    @property
    def uses_held(self) -> int:
        """Uses paid plus uses reserved by orders not yet paid."""
        return self.times_used + self.times_reserved

    @property
    def remaining_uses(self) -> int | None:
        """How many more orders may take it (None: no limit)."""
        if self.use_limit is None:
            return None
        return max(self.use_limit - self.uses_held, 0)


class VoucherStatus(StrEnum):
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    EXPIRED = "expired"
    USED_UP = "used_up"


def voucher_status(voucher: Voucher, today: date) -> VoucherStatus:
    """Expired after its last day; used up when no use is left; scheduled before its first day."""
    require_date(today, "today")
    if today > voucher.valid_to:
        return VoucherStatus.EXPIRED
    if voucher.remaining_uses == 0:
        return VoucherStatus.USED_UP
    if today < voucher.valid_from:
        return VoucherStatus.SCHEDULED
    return VoucherStatus.ACTIVE


def _require_count(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {value!r}")


def normalise_voucher_code(text: str) -> str:
    """A typed voucher code in its stored form: trimmed, upper case ('welcome-25' -> 'WELCOME-25')."""
    code = (text or "").strip().upper()
    if not (CODE_MIN_LENGTH <= len(code) <= CODE_MAX_LENGTH) or not _CODE.fullmatch(code):
        raise InvalidVoucherCode(min=CODE_MIN_LENGTH, max=CODE_MAX_LENGTH)
    return code


def validate_voucher_definition(voucher: Voucher) -> None:
    """Raise the first InvalidVoucher error of a voucher an administrator entered."""
    if normalise_voucher_code(voucher.code) != voucher.code:
        raise InvalidVoucherCode(min=CODE_MIN_LENGTH, max=CODE_MAX_LENGTH)
    if voucher.kind not in tuple(VoucherKind):
        raise InvalidVoucherKind(kind=voucher.kind)
    if voucher.value <= 0:
        raise VoucherValueNotPositive(value=voucher.value)
    if voucher.kind == VoucherKind.PERCENT and voucher.value > 100:
        raise VoucherOverLimit(value=voucher.value)
    if voucher.valid_to < voucher.valid_from:
        raise VoucherDatesReversed(valid_from=voucher.valid_from, valid_to=voucher.valid_to)
    if voucher.use_limit is not None and voucher.use_limit < 1:
        raise InvalidUseLimit(use_limit=voucher.use_limit)
    if voucher.times_used < 0:
        raise ValueError("times_used cannot be negative")


def check_voucher_usable(voucher: Voucher, on: date) -> None:
    """Raise VoucherNotUsable if `voucher` cannot be used on `on`."""
    require_date(on, "on")
    if on < voucher.valid_from:
        raise VoucherNotYetValid(code=voucher.code, valid_from=voucher.valid_from)
    if on > voucher.valid_to:
        raise VoucherExpired(code=voucher.code, valid_to=voucher.valid_to)
    if voucher.remaining_uses == 0:
        raise VoucherUsedUp(code=voucher.code)


def check_voucher_applies(voucher: Voucher, service: str, grade_code: str | None,
                          used_by_company: bool = False) -> None:
    """Raise VoucherNotUsable if `voucher` does not cover this service, grade or company."""
    if voucher.services is not None and service not in voucher.services:
        raise VoucherNotForService(code=voucher.code)
    if voucher.grades is not None and grade_code not in voucher.grades:
        raise VoucherNotForGrade(code=voucher.code, grade=grade_code or "")
    if voucher.once_per_company and used_by_company:
        raise VoucherUsedByCompany(code=voucher.code)


def voucher_discount(voucher: Voucher, subtotal: int, on: date) -> int:
    """The discount in baisa `voucher` gives on `subtotal` on day `on` (0..subtotal)."""
    require_baisa(subtotal, "subtotal")
    if subtotal < 0:
        raise ValueError("a subtotal cannot be negative")
    validate_voucher_definition(voucher)
    check_voucher_usable(voucher, on)
    if voucher.kind == VoucherKind.PERCENT:
        discount = percent_of(subtotal, voucher.value)
    else:
        discount = voucher.value
    return min(discount, subtotal)
