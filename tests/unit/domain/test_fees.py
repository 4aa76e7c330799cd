from datetime import date

import pytest

from app.domain.errors import (
    InvalidFeeSchedule,
    MissingAnnualFee,
    NegativeFee,
    NoScheduleInForce,
    ScheduleAlreadyInForce,
    ScheduleInPast,
    ScheduleOverlap,
    UnknownGrade,
)
from app.domain.fees import (
    FeeSchedule,
    check_schedule_editable,
    schedule_in_force,
    validate_schedule,
)
from tests.unit.domain.seed import ANNUAL_FEES, GRADES, seed_schedule

S2018 = seed_schedule(date(2018, 1, 1))
S2019 = seed_schedule(date(2019, 1, 1), annual_fees={**ANNUAL_FEES, "fourth": 30_000})
S2020 = seed_schedule(date(2020, 7, 1), replacement_fee=5_000)
ALL = [S2019, S2020, S2018]  # stored order must not matter


@pytest.mark.parametrize(
    "on, expected",
    [
        (date(2018, 1, 1), S2018),     # first day of a schedule
        (date(2018, 12, 31), S2018),   # last day before the next one
        (date(2019, 1, 1), S2019),
        (date(2020, 6, 30), S2019),
        (date(2020, 7, 1), S2020),
        (date(2031, 1, 1), S2020),
    ],
)
def test_schedule_in_force_is_the_latest_started(on, expected):
    assert schedule_in_force(ALL, on) == expected


def test_no_schedule_in_force_before_the_first():
    with pytest.raises(NoScheduleInForce) as caught:
        schedule_in_force(ALL, date(2017, 12, 31))
    assert caught.value.params == {"on": date(2017, 12, 31)}
    with pytest.raises(NoScheduleInForce):
        schedule_in_force([], date(2018, 3, 19))


def test_two_stored_schedules_on_one_day_are_not_guessed_between():
    twin = seed_schedule(date(2019, 1, 1), registration_fee=1)
    with pytest.raises(ScheduleOverlap):
        schedule_in_force([S2018, S2019, twin], date(2019, 5, 1))
    # Days that the duplicate does not reach are unaffected.
    assert schedule_in_force([S2018, S2019, twin], date(2018, 5, 1)) == S2018


def test_annual_fee_lookup():
    assert S2018.annual_fee("fourth") == 25_000
    assert S2019.annual_fee("fourth") == 30_000
    with pytest.raises(MissingAnnualFee) as caught:
        S2018.annual_fee("fifth")
    assert caught.value.params == {"grade": "fifth"}


def test_schedule_is_read_only_and_does_not_share_the_callers_dict():
    fees = dict(ANNUAL_FEES)
    schedule = seed_schedule(annual_fees=fees)
    fees["fourth"] = 1
    assert schedule.annual_fee("fourth") == 25_000
    with pytest.raises(TypeError):
        schedule.annual_fees["fourth"] = 1
    with pytest.raises(AttributeError):
        schedule.registration_fee = 1


@pytest.mark.parametrize(
    "changes",
    [{"registration_fee": 10.0}, {"replacement_fee": "4"}, {"late_fee_per_month": None},
     {"annual_fees": {"fourth": 25.5}}, {"effective_from": "2018-01-01"}],
)
def test_schedule_shape_is_checked_on_construction(changes):
    with pytest.raises(TypeError):
        seed_schedule(**changes)


def test_a_valid_future_schedule_passes():
    new = seed_schedule(date(2021, 1, 1))
    assert validate_schedule(new, ALL, grades=GRADES, today=date(2020, 12, 1)) is None
    # Effective today is allowed; zero fees are allowed.
    free = seed_schedule(date(2020, 12, 1), annual_fees=dict.fromkeys(GRADES, 0),
                         registration_fee=0)
    assert validate_schedule(free, ALL, grades=GRADES, today=date(2020, 12, 1)) is None


@pytest.mark.parametrize(
    "field, label",
    [("registration_fee", "Registration fee"),
     ("replacement_fee", "Replacement certificate fee"),
     ("name_change_fee", "Name change fee"),
     ("grade_change_fee", "Grade change fee"),
     ("late_fee_per_month", "Late fee per month")],
)
def test_negative_fee_is_refused_and_named(field, label):
    new = seed_schedule(date(2021, 1, 1), **{field: -1})
    with pytest.raises(NegativeFee) as caught:
        validate_schedule(new, ALL, grades=GRADES)
    assert str(caught.value.message) == f"{label} cannot be negative."


def test_negative_annual_fee_is_refused_and_named():
    new = seed_schedule(date(2021, 1, 1), annual_fees={**ANNUAL_FEES, "third": -50_000})
    with pytest.raises(NegativeFee) as caught:
        validate_schedule(new, ALL, grades=GRADES)
    assert str(caught.value) == "Annual fee for grade third cannot be negative."
    arabic = {
        "%(fee)s cannot be negative.": "لا يجوز أن تكون قيمة %(fee)s سالبة.",
        "Annual fee for grade %(grade)s": "الرسوم السنوية للدرجة %(grade)s",
    }
    assert caught.value.message.translate(arabic.get) == (
        "لا يجوز أن تكون قيمة الرسوم السنوية للدرجة third سالبة."
    )


def test_missing_annual_fee_for_a_grade_is_refused():
    fees = {g: f for g, f in ANNUAL_FEES.items() if g != "second"}
    with pytest.raises(MissingAnnualFee) as caught:
        validate_schedule(seed_schedule(date(2021, 1, 1), annual_fees=fees), ALL, grades=GRADES)
    assert caught.value.params == {"grade": "second"}


def test_fee_for_an_unknown_grade_is_refused():
    fees = {**ANNUAL_FEES, "fifth": 10_000}
    with pytest.raises(UnknownGrade) as caught:
        validate_schedule(seed_schedule(date(2021, 1, 1), annual_fees=fees), ALL, grades=GRADES)
    assert caught.value.params == {"grade": "fifth"}


def test_same_effective_date_as_an_existing_schedule_is_an_overlap():
    new = seed_schedule(date(2019, 1, 1), registration_fee=20_000)
    with pytest.raises(ScheduleOverlap) as caught:
        validate_schedule(new, ALL, grades=GRADES)
    assert caught.value.params == {"effective_from": date(2019, 1, 1)}
    # The day after is a different schedule, not an overlap.
    validate_schedule(seed_schedule(date(2019, 1, 2)), ALL, grades=GRADES)


def test_editing_a_future_schedule_validates_against_the_others():
    edited = seed_schedule(date(2020, 7, 1), replacement_fee=6_000)
    others = [s for s in ALL if s is not S2020]
    validate_schedule(edited, others, grades=GRADES, today=date(2020, 1, 1))


@pytest.mark.parametrize(
    "effective_from, today, refused",
    [(date(2020, 11, 30), date(2020, 12, 1), True),
     (date(2020, 12, 1), date(2020, 12, 1), False),
     (date(2020, 12, 2), date(2020, 12, 1), False)],
)
def test_a_schedule_cannot_start_before_today(effective_from, today, refused):
    new = seed_schedule(effective_from)
    if refused:
        with pytest.raises(ScheduleInPast) as caught:
            validate_schedule(new, ALL, grades=GRADES, today=today)
        assert caught.value.params == {"effective_from": effective_from, "today": today}
    else:
        validate_schedule(new, ALL, grades=GRADES, today=today)


def test_without_today_a_past_date_is_accepted_for_importing_history():
    validate_schedule(seed_schedule(date(2015, 1, 1)), ALL, grades=GRADES)


def test_all_schedule_errors_belong_to_one_family():
    for error in (NegativeFee, ScheduleOverlap, ScheduleInPast, MissingAnnualFee,
                  UnknownGrade, ScheduleAlreadyInForce):
        assert issubclass(error, InvalidFeeSchedule)


@pytest.mark.parametrize(
    "today, editable",
    [(date(2020, 6, 30), True), (date(2020, 7, 1), False), (date(2021, 1, 1), False)],
)
def test_a_schedule_in_force_cannot_be_edited(today, editable):
    if editable:
        check_schedule_editable(S2020, today)
    else:
        with pytest.raises(ScheduleAlreadyInForce):
            check_schedule_editable(S2020, today)


def test_schedules_compare_by_value():
    assert seed_schedule() == seed_schedule()
    assert seed_schedule() != seed_schedule(registration_fee=1)
    assert isinstance(seed_schedule(), FeeSchedule)


def test_a_schedule_taking_effect_today_is_in_force():
    from app.domain.fees import is_in_force

    assert is_in_force(date(2020, 1, 1), today=date(2020, 1, 1))
    assert not is_in_force(date(2020, 1, 2), today=date(2020, 1, 1))
    with pytest.raises(ScheduleAlreadyInForce):
        check_schedule_editable(seed_schedule(date(2020, 1, 1)), date(2020, 1, 1))
