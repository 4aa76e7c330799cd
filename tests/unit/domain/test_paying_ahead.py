"""How far ahead a membership may be paid: whole months after today, 24 by default."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import PaidTooFarAhead
from app.domain.paying_ahead import DEFAULT_MAX_PAID_AHEAD_MONTHS, check_paid_ahead, latest_expiry

TODAY = date(2018, 3, 18)


def test_the_default_is_two_years():
    assert DEFAULT_MAX_PAID_AHEAD_MONTHS == 24
    assert latest_expiry(TODAY, 24) == date(2020, 4, 17)


@pytest.mark.parametrize("new_expiry", [date(2019, 3, 19), date(2020, 3, 19), date(2020, 4, 17)])
def test_the_seed_renewals_are_allowed(new_expiry):
    check_paid_ahead(new_expiry, TODAY, 24)  # two years on the day before the old expiry


@pytest.mark.parametrize("new_expiry", [date(2020, 4, 18), date(2021, 3, 19)])
def test_paying_further_ahead_is_refused(new_expiry):
    with pytest.raises(PaidTooFarAhead) as caught:
        check_paid_ahead(new_expiry, TODAY, 24)
    assert caught.value.params == {"months": 24, "new_expiry": new_expiry.isoformat()}


def test_the_cap_is_configurable_and_clamps_to_month_end():
    check_paid_ahead(date(2019, 4, 17), TODAY, 12)
    with pytest.raises(PaidTooFarAhead):
        check_paid_ahead(date(2019, 4, 18), TODAY, 12)
    assert latest_expiry(date(2019, 1, 31), 12) == date(2020, 2, 28)


@pytest.mark.parametrize("months", [0, 11, "24", True])
def test_a_cap_shorter_than_a_year_is_a_configuration_error(months):
    with pytest.raises(ValueError):
        latest_expiry(TODAY, months)
