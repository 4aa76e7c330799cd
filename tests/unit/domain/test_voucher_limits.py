"""Voucher limits by service, grade and company; status and remaining uses, reservations included."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import VoucherNotForGrade, VoucherNotForService, VoucherUsedByCompany, VoucherUsedUp
from app.domain.vouchers import (
    Voucher, VoucherStatus, check_voucher_applies, check_voucher_usable, voucher_status,
)

MARCH = {"valid_from": date(2018, 3, 1), "valid_to": date(2018, 3, 31)}


def voucher(**changes) -> Voucher:
    return Voucher(**{"code": "WELCOME", "kind": "percent", "value": 100, **MARCH, **changes})


def test_a_voucher_for_new_members_does_not_discount_renewals():
    welcome = voucher(services=["new_membership"])
    check_voucher_applies(welcome, "new_membership", "fourth")
    with pytest.raises(VoucherNotForService):
        check_voucher_applies(welcome, "renewal", "fourth")


def test_grades_and_one_use_per_company():
    limited = voucher(grades=("fourth", "third"), once_per_company=True)
    check_voucher_applies(limited, "renewal", "third")
    with pytest.raises(VoucherNotForGrade):
        check_voucher_applies(limited, "renewal", "first")
    with pytest.raises(VoucherUsedByCompany):
        check_voucher_applies(limited, "renewal", "fourth", used_by_company=True)
    check_voucher_applies(voucher(), "renewal", "first", used_by_company=True)  # no such limit


def test_reserved_uses_count_against_the_limit():
    held = voucher(use_limit=3, times_used=2, times_reserved=1)
    assert held.remaining_uses == 0 and held.uses_held == 3
    with pytest.raises(VoucherUsedUp):
        check_voucher_usable(held, date(2018, 3, 18))
    assert voucher(use_limit=3, times_used=1, times_reserved=1).remaining_uses == 1
    assert voucher().remaining_uses is None


@pytest.mark.parametrize("today,changes,expected", [
    (date(2018, 2, 28), {}, VoucherStatus.SCHEDULED),
    (date(2018, 3, 1), {}, VoucherStatus.ACTIVE),
    (date(2018, 3, 31), {"use_limit": 1, "times_reserved": 1}, VoucherStatus.USED_UP),
    (date(2018, 4, 1), {"use_limit": 1, "times_used": 1}, VoucherStatus.EXPIRED),
    (date(2018, 4, 1), {}, VoucherStatus.EXPIRED),
])
def test_status(today, changes, expected):
    assert voucher_status(voucher(**changes), today) is expected
