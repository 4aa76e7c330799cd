"""Job schedules: crontab defaults in Asia/Muscat, overridden or switched off by JOB_SCHEDULES."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import JOBS, cron_trigger, schedules

MUSCAT = ZoneInfo("Asia/Muscat")


def test_defaults_cover_every_job():
    plan = schedules({})
    assert set(plan) == {"reminders", "registry_sync", "registry_full_sync", "reconcile_payments", "outbox",
                         "audit_checkpoint", "login_session_purge", "certificate_signing"}
    assert plan == {name: spec.schedule for name, spec in JOBS.items()}


def test_overrides_and_switching_off():
    plan = schedules({"JOB_SCHEDULES": {"reminders": "30 8 * * *", "registry_full_sync": "off"}})
    assert plan["reminders"] == "30 8 * * *" and plan["registry_full_sync"] is None
    assert plan["outbox"] == JOBS["outbox"].schedule


@pytest.mark.parametrize("overrides", [{"remindrs": "0 9 * * *"}, {"reminders": "every day"}, ["reminders"]])
def test_mistakes_are_refused_at_start(overrides):
    with pytest.raises(ValueError):
        schedules({"JOB_SCHEDULES": overrides})


def test_times_are_muscat_times():
    trigger = cron_trigger("0 9 * * *")
    after = dt.datetime(2026, 3, 1, 10, 0, tzinfo=MUSCAT)
    assert trigger.get_next_fire_time(None, after) == dt.datetime(2026, 3, 2, 9, 0, tzinfo=MUSCAT)
    # 09:00 in Muscat is 05:00 UTC.
    assert trigger.get_next_fire_time(None, after).astimezone(dt.timezone.utc).hour == 5


def test_full_and_incremental_sync_share_one_lock():
    assert JOBS["registry_full_sync"].lock_name == JOBS["registry_sync"].lock_name == "registry_sync"


def test_crontab_weekdays_count_from_sunday():
    # APScheduler 3 reads from_crontab's weekday numbers from Monday = 0; crontab's 5 is Friday.
    after = dt.datetime(2026, 11, 24, 10, 0, tzinfo=MUSCAT)  # a Tuesday
    friday = cron_trigger("30 2 * * 5").get_next_fire_time(None, after)
    assert friday == dt.datetime(2026, 11, 27, 2, 30, tzinfo=MUSCAT) and friday.strftime("%A") == "Friday"
    assert cron_trigger("0 9 * * 7").get_next_fire_time(None, after).strftime("%A") == "Sunday"
    trigger, moment, days = cron_trigger("0 9 * * 0-4"), after, []
    for _ in range(5):
        moment = trigger.get_next_fire_time(None, moment + dt.timedelta(seconds=1))
        days.append(moment.strftime("%a"))
    assert days == ["Wed", "Thu", "Sun", "Mon", "Tue"]
    assert cron_trigger("0 9 * * */2").get_next_fire_time(None, after).strftime("%a") == "Thu"  # sun, tue, thu, sat
    assert cron_trigger("0 9 * * fri").get_next_fire_time(None, after).strftime("%a") == "Fri"
    with pytest.raises(ValueError):
        cron_trigger("0 9 * * 8")
