"""Schedules and policies set in the back office: the next reminder run uses a changed offset, a crontab
is parsed with its next five runs shown, the scheduler picks a change up without a restart, and an
environment variable still wins."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from jobs.scheduler import build_scheduler, refresh_schedules
from jobs.scheduler import run_now
from models import Notification, ReminderSent
from tests.integration.counter.fixtures import back_office, post
from tests.integration.jobs.factories import make_company, make_member, make_membership, set_clock

EXPIRY = dt.date(2026, 3, 31)


def _form(**changes) -> dict:
    values = {"reminder_offsets": "30, 7, 1, -7", "quiet_start": "21:00", "quiet_end": "08:00", "grace_days": "30",
              "order_ttl_minutes": "60"}
    values.update(changes)
    return values


def test_a_changed_reminder_offset_is_used_by_the_next_run(app):
    with app.app_context():
        company = make_company("1229237", civil_ids=("1526575",))
        make_membership(company, "91868", EXPIRY)
        make_member(app, "salim", "1526575")
        db.session.commit()
    set_clock(app, 2026, 2, 14)  # 45 days before expiry: no default offset is due
    assert run_now(app, "reminders").counts["reminders"] == 0
    admin = back_office(app, "admin1", "Admin")
    response = post(app, admin, "/schedules-and-policies/", _form(reminder_offsets="45, 7, -7"))
    assert response.status_code == 302
    assert run_now(app, "reminders").counts["reminders"] == 1
    with app.app_context():
        assert db.session.scalar(select(ReminderSent.offset_days)) == 45
        assert {n.channel for n in db.session.scalars(select(Notification))} == {"email", "sms"}
    page = admin.get("/schedules-and-policies/").get_data(as_text=True)
    assert 'value="45, 7, -7"' in page


def test_refused_values_change_nothing(app):
    admin = back_office(app, "admin1", "Admin")
    for changes, message in (({"reminder_offsets": "30, 400"}, "each within a year"),
                             ({"reminder_offsets": "soon"}, "each within a year"),
                             ({"quiet_start": "25:00"}, "HH:MM"),
                             ({"grace_days": "-1"}, "from 0 to 365"),
                             ({"schedule_reminders": "0 25 * * *"}, "is not a schedule")):
        response = post(app, admin, "/schedules-and-policies/", _form(**changes))
        assert response.status_code == 422 and message in response.get_data(as_text=True), changes
    with app.app_context():
        from app.services.settings import policies

        assert policies.reminder_offsets() == (30, 7, 1, -7) and policies.grace_days() == 30


def test_a_schedule_shows_its_next_five_runs_and_reaches_the_scheduler_without_a_restart(app):
    set_clock(app, 2026, 11, 24, 10)
    scheduler = build_scheduler(app, background=True)
    applied = {}
    refresh_schedules(app, scheduler, applied)
    assert str(scheduler.get_job("reminders").trigger) == str(build_scheduler(app, True).get_job("reminders").trigger)
    admin = back_office(app, "admin1", "Admin")
    response = post(app, admin, "/schedules-and-policies/", _form(schedule_reminders="30 7 * * 0-4",
                                                                 schedule_registry_full_sync="off"))
    assert response.status_code == 302
    page = admin.get("/schedules-and-policies/").get_data(as_text=True)
    row = page[page.index('id="schedule-reminders"'):page.index('id="schedule-registry_sync"')]
    # Tuesday 24 November 2026, 10:00 in Muscat: the next five weekday mornings (Sunday to Thursday).
    for day in ("2026-11-25 07:30", "2026-11-26 07:30", "2026-11-29 07:30", "2026-11-30 07:30", "2026-12-01 07:30"):
        assert day in row, day
    assert "2026-11-27" not in row
    changed = refresh_schedules(app, scheduler, applied)
    assert sorted(changed) == ["registry_full_sync", "reminders"]
    trigger = scheduler.get_job("reminders").trigger
    assert "hour='7'" in str(trigger) and "minute='30'" in str(trigger)
    assert scheduler.get_job("registry_full_sync") is None
    assert refresh_schedules(app, scheduler, applied) == []  # nothing new: nothing rescheduled
    scheduled_jobs = admin.get("/scheduled-jobs/").get_data(as_text=True)
    assert "30 7 * * 0-4" in scheduled_jobs


def test_an_environment_variable_still_wins(app, monkeypatch):
    monkeypatch.setenv("GRACE_DAYS", "15")
    app.config["GRACE_DAYS"] = 15
    app.config["JOB_SCHEDULES"] = {"outbox": "*/2 * * * *"}
    admin = back_office(app, "admin1", "Admin")
    page = admin.get("/schedules-and-policies/").get_data(as_text=True)
    assert "Set by the environment: GRACE_DAYS=15." in page
    assert "Set by the environment variable JOB_SCHEDULES." in page
    response = post(app, admin, "/schedules-and-policies/", _form(grace_days="45", schedule_outbox="* * * * *"))
    assert response.status_code == 302
    with app.app_context():
        from app.services.settings import policies

        assert policies.grace_days() == 15
        assert policies.job_schedules()["outbox"] == "*/2 * * * *"
