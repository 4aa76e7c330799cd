from datetime import date, timedelta

import pytest

from app.domain.grade_change import new_expiry_after_grade_change

FIRST, FOURTH = 100_000, 25_000
REQUESTED = date(2018, 3, 18)
EXPIRY = date(2018, 12, 13)  # 270 days after the request


def test_seed_first_to_fourth_is_capped_at_one_year():
    # 270 paid days at RO 100 buy 1080 days at RO 25; capped at one year.
    assert (EXPIRY - REQUESTED).days == 270
    assert new_expiry_after_grade_change(FIRST, FOURTH, EXPIRY, REQUESTED) == date(2019, 3, 18)


def test_fourth_to_first_shortens_by_the_same_ratio():
    # 270 * 25000 // 100000 = 67 days from 2018-03-18.
    assert new_expiry_after_grade_change(FOURTH, FIRST, EXPIRY, REQUESTED) == date(2018, 5, 24)


def test_conversion_rounds_days_down():
    # 10 days * 25000 / 75000 = 3.33 -> 3 days.
    expiry = REQUESTED + timedelta(days=10)
    assert new_expiry_after_grade_change(25_000, 75_000, expiry, REQUESTED) == date(2018, 3, 21)
    # 11 days * 75000 / 50000 = 16.5 -> 16 days.
    expiry = REQUESTED + timedelta(days=11)
    assert new_expiry_after_grade_change(75_000, 50_000, expiry, REQUESTED) == date(2018, 4, 3)


def test_below_the_cap_the_converted_days_count_from_the_request():
    # 60 days * 100000 / 50000 = 120 days.
    expiry = REQUESTED + timedelta(days=60)
    assert new_expiry_after_grade_change(100_000, 50_000, expiry, REQUESTED) == (
        REQUESTED + timedelta(days=120)
    )


def test_cap_is_exactly_one_calendar_year():
    # 200 days * 2 = 400 days > 365: capped at add_months(requested, 12), clamped.
    requested = date(2020, 2, 29)
    expiry = requested + timedelta(days=200)
    assert new_expiry_after_grade_change(50_000, 25_000, expiry, requested) == date(2021, 2, 28)


def test_a_cheaper_grade_never_shortens_a_membership_paid_beyond_a_year():
    expiry = date(2020, 3, 19)  # renewed for two years
    assert new_expiry_after_grade_change(FIRST, FOURTH, expiry, REQUESTED) == expiry


def test_no_paid_days_left_leaves_the_expiry_alone():
    assert new_expiry_after_grade_change(FIRST, FOURTH, REQUESTED, REQUESTED) == REQUESTED
    past = date(2018, 1, 1)
    assert new_expiry_after_grade_change(FIRST, FOURTH, past, REQUESTED) == past


def test_zero_fees():
    # Paid days at a free grade are capped at one year; from a free grade they buy nothing.
    assert new_expiry_after_grade_change(FOURTH, 0, EXPIRY, REQUESTED) == date(2019, 3, 18)
    assert new_expiry_after_grade_change(0, FOURTH, EXPIRY, REQUESTED) == REQUESTED
    assert new_expiry_after_grade_change(0, 0, EXPIRY, REQUESTED) == EXPIRY


def test_equal_fees_keep_the_expiry():
    assert new_expiry_after_grade_change(FOURTH, FOURTH, EXPIRY, REQUESTED) == EXPIRY


def test_bad_input_is_a_bug():
    with pytest.raises(ValueError):
        new_expiry_after_grade_change(-1, FOURTH, EXPIRY, REQUESTED)
    with pytest.raises(TypeError):
        new_expiry_after_grade_change(100.0, FOURTH, EXPIRY, REQUESTED)
