from datetime import date, datetime

import pytest

from app.domain.dates import add_months, started_months


@pytest.mark.parametrize(
    "start, months, result",
    [
        (date(2018, 3, 19), 12, date(2019, 3, 19)),
        (date(2018, 3, 19), 18, date(2019, 9, 19)),
        (date(2018, 3, 19), 24, date(2020, 3, 19)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2020, 2, 29), 48, date(2024, 2, 29)),
        (date(2019, 1, 31), 1, date(2019, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2018, 8, 31), 1, date(2018, 9, 30)),
        (date(2018, 12, 15), 1, date(2019, 1, 15)),
        (date(2018, 3, 19), 0, date(2018, 3, 19)),
        (date(2019, 3, 31), -1, date(2019, 2, 28)),
        (date(2019, 1, 15), -13, date(2017, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, result):
    assert add_months(start, months) == result


def test_add_months_refuses_datetimes_and_fractional_months():
    with pytest.raises(TypeError):
        add_months(datetime(2018, 3, 19, 10, 0), 12)
    with pytest.raises(TypeError):
        add_months(date(2018, 3, 19), 1.5)


@pytest.mark.parametrize(
    "since, until, count",
    [
        (date(2018, 3, 19), date(2018, 3, 19), 0),
        (date(2018, 3, 19), date(2018, 3, 1), 0),
        (date(2018, 3, 19), date(2018, 3, 20), 1),
        (date(2018, 3, 19), date(2018, 4, 19), 1),
        (date(2018, 3, 19), date(2018, 4, 20), 2),
        (date(2018, 3, 19), date(2019, 3, 19), 12),
        (date(2018, 3, 19), date(2019, 3, 20), 13),
        (date(2019, 1, 31), date(2019, 2, 28), 1),
        (date(2019, 1, 31), date(2019, 3, 1), 2),
        (date(2019, 1, 31), date(2019, 3, 31), 2),
        (date(2019, 1, 31), date(2019, 4, 1), 3),
    ],
)
def test_started_months(since, until, count):
    assert started_months(since, until) == count
