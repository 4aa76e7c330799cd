from datetime import date

import pytest

from app.domain.errors import (
    InvalidUseLimit,
    InvalidVoucher,
    InvalidVoucherCode,
    InvalidVoucherKind,
    VoucherDatesReversed,
    VoucherExpired,
    VoucherNotUsable,
    VoucherNotYetValid,
    VoucherOverLimit,
    VoucherUsedUp,
    VoucherValueNotPositive,
)
from app.domain.vouchers import (
    Voucher,
    VoucherKind,
    normalise_voucher_code,
    validate_voucher_definition,
    voucher_discount,
)

MARCH = dict(valid_from=date(2018, 3, 1), valid_to=date(2018, 3, 31))


def fixed(value, **changes):
    return Voucher(**{"code": "WELCOME", "kind": "fixed", "value": value, **MARCH, **changes})


def percent(value, **changes):
    return Voucher(**{"code": "HALF-2018", "kind": "percent", "value": value, **MARCH, **changes})


def test_valid_definitions_pass():
    validate_voucher_definition(fixed(5_000))
    validate_voucher_definition(percent(100))
    validate_voucher_definition(percent(1, use_limit=1))
    validate_voucher_definition(fixed(1, valid_to=date(2018, 3, 1)))  # a one-day voucher


def test_percent_over_100_is_refused():
    with pytest.raises(VoucherOverLimit):
        validate_voucher_definition(percent(101))
    # A fixed voucher larger than any fee is allowed: it is capped when applied.
    validate_voucher_definition(fixed(101_000))


@pytest.mark.parametrize("value", [0, -1, -25_000])
def test_zero_or_negative_value_is_refused(value):
    with pytest.raises(VoucherValueNotPositive):
        validate_voucher_definition(fixed(value))
    with pytest.raises(VoucherValueNotPositive):
        validate_voucher_definition(percent(value))


def test_last_day_before_first_day_is_refused():
    voucher = fixed(5_000, valid_from=date(2018, 3, 31), valid_to=date(2018, 3, 30))
    with pytest.raises(VoucherDatesReversed) as caught:
        validate_voucher_definition(voucher)
    assert caught.value.params == {"valid_from": date(2018, 3, 31), "valid_to": date(2018, 3, 30)}


def test_unknown_kind_is_refused():
    with pytest.raises(InvalidVoucherKind):
        validate_voucher_definition(fixed(5_000, kind="free"))


@pytest.mark.parametrize("limit", [0, -3])
def test_use_limit_below_one_is_refused(limit):
    with pytest.raises(InvalidUseLimit):
        validate_voucher_definition(fixed(5_000, use_limit=limit))


def test_definition_errors_form_one_family():
    for error in (VoucherOverLimit, VoucherValueNotPositive, VoucherDatesReversed,
                  InvalidVoucherKind, InvalidUseLimit, InvalidVoucherCode):
        assert issubclass(error, InvalidVoucher)


@pytest.mark.parametrize(
    "typed, stored",
    [("welcome", "WELCOME"), ("  Ramadan-2018 ", "RAMADAN-2018"), ("A1B", "A1B")],
)
def test_voucher_codes_are_normalised(typed, stored):
    assert normalise_voucher_code(typed) == stored


@pytest.mark.parametrize("typed", ["", "AB", "A" * 33, "WEL COME", "-WELCOME", "WEL--COME",
                                   "قسيمة", "WELCOME!", None])
def test_bad_voucher_codes_are_refused(typed):
    with pytest.raises(InvalidVoucherCode) as caught:
        normalise_voucher_code(typed)
    assert caught.value.params == {"min": 3, "max": 32}


def test_a_stored_code_must_be_in_normal_form():
    with pytest.raises(InvalidVoucherCode):
        validate_voucher_definition(fixed(5_000, code="welcome"))


@pytest.mark.parametrize(
    "voucher, subtotal, discount",
    [
        (fixed(5_000), 25_000, 5_000),
        (fixed(30_000), 25_000, 25_000),      # never above the subtotal
        (fixed(5_000), 0, 0),
        (percent(10), 25_000, 2_500),
        (percent(100), 50_000, 50_000),
        (percent(15), 37_510, 5_627),         # 5626.5 rounds half up
        (percent(33), 10, 3),                 # 3.3 -> 3
    ],
)
def test_discount(voucher, subtotal, discount):
    assert voucher_discount(voucher, subtotal, date(2018, 3, 19)) == discount


@pytest.mark.parametrize(
    "on, error",
    [(date(2018, 2, 28), VoucherNotYetValid), (date(2018, 3, 1), None),
     (date(2018, 3, 31), None), (date(2018, 4, 1), VoucherExpired)],
)
def test_validity_dates_are_inclusive(on, error):
    if error is None:
        assert voucher_discount(fixed(5_000), 25_000, on) == 5_000
    else:
        with pytest.raises(error) as caught:
            voucher_discount(fixed(5_000), 25_000, on)
        assert isinstance(caught.value, VoucherNotUsable)
        assert caught.value.params["code"] == "WELCOME"


def test_expired_message_names_code_and_day():
    with pytest.raises(VoucherExpired) as caught:
        voucher_discount(fixed(5_000), 25_000, date(2018, 4, 1))
    assert str(caught.value) == "Voucher WELCOME expired on 2018-03-31."


@pytest.mark.parametrize("times_used, refused", [(0, False), (2, False), (3, True), (4, True)])
def test_use_limit(times_used, refused):
    voucher = fixed(5_000, use_limit=3, times_used=times_used)
    if refused:
        with pytest.raises(VoucherUsedUp):
            voucher_discount(voucher, 25_000, date(2018, 3, 19))
    else:
        assert voucher_discount(voucher, 25_000, date(2018, 3, 19)) == 5_000


def test_unlimited_voucher_never_runs_out():
    voucher = fixed(5_000, use_limit=None, times_used=10_000)
    assert voucher_discount(voucher, 25_000, date(2018, 3, 19)) == 5_000


def test_a_broken_stored_voucher_is_refused_when_applied():
    with pytest.raises(VoucherOverLimit):
        voucher_discount(percent(150), 25_000, date(2018, 3, 19))


def test_voucher_kind_values():
    assert VoucherKind("fixed") is VoucherKind.FIXED
    assert VoucherKind.PERCENT == "percent"


def test_voucher_shape_is_checked_on_construction():
    with pytest.raises(TypeError):
        fixed(5.0)
    with pytest.raises(TypeError):
        fixed(5_000, valid_to="2018-03-31")
    with pytest.raises(TypeError):
        fixed(5_000, use_limit=1.5)
