"""Which expiry reminder is due on a day, the catch-up rule, and quiet hours for SMS."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from app.domain.reminders import (
    candidate_expiry_range, due_offset, in_quiet_hours, normalise_offsets, parse_clock_time,
    reminder_to_send, sms_send_time, template_for,
)

OFFSETS = (30, 7, 1, -7)
EXPIRY = dt.date(2026, 3, 31)
MUSCAT = ZoneInfo("Asia/Muscat")


def day(days_before_expiry: int) -> dt.date:
    return EXPIRY - dt.timedelta(days=days_before_expiry)


@pytest.mark.parametrize("offset", OFFSETS)
def test_each_offset_is_due_on_its_own_day(offset):
    assert due_offset(EXPIRY, day(offset), OFFSETS) == offset


@pytest.mark.parametrize("days_before, expected", [
    (60, None), (31, None), (30, 30), (29, 30), (8, 30), (7, 7), (2, 7), (1, 1), (0, 1),
    (-6, 1), (-7, -7), (-13, -7), (-14, None), (-400, None),
])
def test_windows_between_offsets(days_before, expected):
    assert due_offset(EXPIRY, day(days_before), OFFSETS) == expected


def test_the_order_of_configured_offsets_does_not_matter():
    assert due_offset(EXPIRY, day(5), [-7, 1, 30, 7, 7]) == 7
    assert normalise_offsets([-7, 1, 30, 7, 7]) == (30, 7, 1, -7)


def test_no_offsets_is_a_configuration_mistake():
    with pytest.raises(ValueError):
        due_offset(EXPIRY, day(3), [])


def test_catch_up_sends_only_the_most_recent_offset_not_yet_sent():
    # The job did not run for three weeks: only the 7-day reminder goes, the 30-day one is skipped.
    assert reminder_to_send(EXPIRY, day(5), OFFSETS, sent=set()) == 7
    # Already sent: nothing, even though 30 was never sent.
    assert reminder_to_send(EXPIRY, day(5), OFFSETS, sent={7}) is None
    assert reminder_to_send(EXPIRY, day(1), OFFSETS, sent={30, 7}) == 1


def test_a_longer_last_window_keeps_the_after_expiry_reminder_due_longer():
    assert due_offset(EXPIRY, day(-20), OFFSETS, last_window_days=7) is None
    assert due_offset(EXPIRY, day(-20), OFFSETS, last_window_days=30) == -7


def test_candidate_range_covers_exactly_the_dates_with_a_due_offset():
    today = dt.date(2026, 5, 10)
    first, last = candidate_expiry_range(today, OFFSETS)
    for delta in range(-60, 60):
        expires_on = today + dt.timedelta(days=delta)
        inside = first <= expires_on <= last
        assert inside == (due_offset(expires_on, today, OFFSETS) is not None), expires_on


def test_template_before_and_after_expiry():
    assert template_for(30) == template_for(0) == "membership_expiring"
    assert template_for(-7) == "membership_expired"


def test_dates_must_be_dates():
    with pytest.raises(TypeError):
        due_offset(dt.datetime(2026, 3, 31), dt.date(2026, 3, 1), OFFSETS)


# --- quiet hours -------------------------------------------------------------------

START, END = parse_clock_time("21:00"), parse_clock_time("08:00")


def at(hour, minute=0, day_=1):
    return dt.datetime(2026, 3, day_, hour, minute, tzinfo=MUSCAT)


@pytest.mark.parametrize("moment, quiet", [
    (at(20, 59), False), (at(21, 0), True), (at(23, 30), True), (at(0, 0), True),
    (at(7, 59), True), (at(8, 0), False), (at(12, 0), False),
])
def test_quiet_hours_across_midnight(moment, quiet):
    assert in_quiet_hours(moment, START, END) is quiet


def test_sms_in_the_evening_waits_for_the_next_morning():
    assert sms_send_time(at(22, 15, day_=1), START, END) == at(8, 0, day_=2)


def test_sms_after_midnight_waits_for_the_same_morning():
    assert sms_send_time(at(3, 5, day_=2), START, END) == at(8, 0, day_=2)


def test_sms_in_the_day_goes_at_once():
    assert sms_send_time(at(9, 30), START, END) == at(9, 30)


def test_quiet_hours_within_one_day_and_none():
    start, end = parse_clock_time("13:00"), parse_clock_time("15:30")
    assert sms_send_time(at(14, 0), start, end) == at(15, 30)
    assert sms_send_time(at(16, 0), start, end) == at(16, 0)
    assert sms_send_time(at(23, 0), START, START) == at(23, 0)


def test_month_end_rollover():
    assert sms_send_time(dt.datetime(2026, 3, 31, 23, 0, tzinfo=MUSCAT), START, END) == \
        dt.datetime(2026, 4, 1, 8, 0, tzinfo=MUSCAT)


@pytest.mark.parametrize("text", ["25:00", "9pm", "", "12"])
def test_bad_clock_times_are_refused(text):
    with pytest.raises(ValueError):
        parse_clock_time(text)
