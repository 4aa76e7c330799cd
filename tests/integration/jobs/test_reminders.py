"""Expiry reminders: each offset once, in the member's language, SMS outside quiet hours, safe to re-run."""
import datetime as dt
import threading

from sqlalchemy import func, select

import app.services.notifications.reminders as reminders_service
from app.extensions import db
from jobs.scheduler import run_now
from models import Membership, Notification, ReminderSent
from tests.integration.jobs.factories import make_company, make_member, make_membership, set_clock

EXPIRY = dt.date(2026, 3, 31)


def _setup(app, language="en", expiry=EXPIRY):
    with app.app_context():
        company = make_company("1229237", civil_ids=("1526575",))
        membership = make_membership(company, "91868", expiry)
        make_member(app, "salim", "1526575", language=language)
        db.session.commit()
        return membership.id


def _on(app, day: dt.date, hour=10):
    set_clock(app, day.year, day.month, day.day, hour)


def _messages(app):
    with app.app_context():
        return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_a_reminder_at_each_offset_and_never_twice(app):
    membership_id = _setup(app)
    seen = []
    for offset in (30, 7, 1, -7):
        _on(app, EXPIRY - dt.timedelta(days=offset))
        for _ in range(2):  # the second run the same day finds nothing new
            assert run_now(app, "reminders").status == "ok"
        messages = _messages(app)
        new = messages[len(seen):]
        assert sorted(m.channel for m in new) == ["email", "sms"], offset
        assert {m.template for m in new} == {"membership_expiring" if offset >= 0 else "membership_expired"}
        seen = messages
    email = next(m for m in seen if m.channel == "email")
    assert "March 31, 2026" in email.subject and "91868" in email.subject
    assert "http://127.0.0.1:5000/services/renewal/" in email.body
    assert email.recipient == "salim@example.om"
    assert "Renew online: http://127.0.0.1:5000/services/renewal/" in seen[1].body
    with app.app_context():
        rows = db.session.execute(select(ReminderSent.offset_days, ReminderSent.expires_on)
                                  .where(ReminderSent.membership_id == membership_id)).all()
        assert sorted(rows) == sorted((o, EXPIRY) for o in (30, 7, 1, -7))
    assert len(seen) == 8


def test_days_between_offsets_send_nothing_new(app):
    _setup(app)
    _on(app, EXPIRY - dt.timedelta(days=30))
    run_now(app, "reminders")
    for days_before in (29, 20, 8):
        _on(app, EXPIRY - dt.timedelta(days=days_before))
        result = run_now(app, "reminders")
        assert result.counts["reminders"] == 0
    assert len(_messages(app)) == 2


def test_catching_up_after_a_gap_sends_only_the_latest_offset(app):
    _setup(app)
    _on(app, EXPIRY - dt.timedelta(days=4))  # the 30- and 7-day dates passed without a run
    result = run_now(app, "reminders")
    assert result.counts["reminders"] == 1
    with app.app_context():
        assert db.session.scalars(select(ReminderSent.offset_days)).all() == [7]
    # Long after expiry nothing stale is sent.
    _on(app, EXPIRY + dt.timedelta(days=40))
    assert run_now(app, "reminders").counts["reminders"] == 0


def test_arabic_member_gets_arabic_messages(app):
    _setup(app, language="ar")
    _on(app, EXPIRY - dt.timedelta(days=7))
    run_now(app, "reminders")
    email, sms = sorted(_messages(app), key=lambda m: m.channel)
    assert email.language == sms.language == "ar"
    assert "31 مارس 2026" in email.subject
    assert "المشاريع الواعدة" in email.body
    assert "/services/renewal/" in sms.body


def test_sms_waits_for_the_end_of_quiet_hours(app):
    _setup(app)
    _on(app, EXPIRY - dt.timedelta(days=7), hour=22)
    run_now(app, "reminders")
    email, sms = sorted(_messages(app), key=lambda m: m.channel)
    queued_at = dt.datetime(2026, 3, 24, 18, 0)  # 22:00 Muscat in UTC
    assert email.next_attempt_at == queued_at
    assert sms.next_attempt_at == dt.datetime(2026, 3, 25, 4, 0)  # 08:00 Muscat the next morning


def test_a_renewed_membership_gets_no_more_reminders_for_the_old_date(app):
    membership_id = _setup(app)
    _on(app, EXPIRY - dt.timedelta(days=30))
    run_now(app, "reminders")
    with app.app_context():
        db.session.get(Membership, membership_id).expires_on = dt.date(2027, 3, 31)
        db.session.commit()
    for days_before in (7, 1, -7):
        _on(app, EXPIRY - dt.timedelta(days=days_before))
        assert run_now(app, "reminders").counts["reminders"] == 0
    # The new date has its own reminders in time.
    _on(app, dt.date(2027, 3, 1))
    assert run_now(app, "reminders").counts["reminders"] == 1
    assert len(_messages(app)) == 4


def test_each_verified_member_of_the_company_is_reminded_and_unverified_ones_are_not(app):
    with app.app_context():
        company = make_company("1229237", civil_ids=("1526575", "7324674", "5550001"))
        make_membership(company, "91868", EXPIRY)
        make_member(app, "salim", "1526575")
        make_member(app, "shmoouqa", "7324674", language="ar", mobile="+96892345678")
        make_member(app, "pending", "5550001", verified=False)
        other = make_company("1445820", civil_ids=("8880001",))
        make_member(app, "outsider", "8880001")
        make_membership(other, "100234", EXPIRY + dt.timedelta(days=200))
        db.session.commit()
    _on(app, EXPIRY - dt.timedelta(days=7))
    run_now(app, "reminders")
    recipients = sorted(m.recipient for m in _messages(app))
    assert recipients == ["+96892345678", "+96899416689", "salim@example.om", "shmoouqa@example.om"]


def test_a_membership_nobody_verified_for_is_reminded_once_someone_does(app):
    with app.app_context():
        company = make_company("1229237", civil_ids=("1526575",))
        make_membership(company, "91868", EXPIRY)
        member = make_member(app, "salim", "1526575", verified=False)
        db.session.commit()
        member_id = member.id
    _on(app, EXPIRY - dt.timedelta(days=7))
    result = run_now(app, "reminders")
    assert (result.counts["reminders"], result.counts["no_recipient"]) == (0, 1)
    with app.app_context():
        from models import Member

        member = db.session.get(Member, member_id)
        member.email_verified_at = member.mobile_verified_at = dt.datetime(2026, 3, 25)
        db.session.commit()
    _on(app, EXPIRY - dt.timedelta(days=5))
    assert run_now(app, "reminders").counts["reminders"] == 1


def test_a_run_that_crashed_half_way_is_completed_by_the_next_without_duplicates(app, monkeypatch):
    with app.app_context():
        for i in range(5):
            company = make_company(f"10000{i}", civil_ids=(f"20000{i}",))
            make_membership(company, f"9000{i}", EXPIRY)
            make_member(app, f"member{i}", f"20000{i}")
        db.session.commit()
    _on(app, EXPIRY - dt.timedelta(days=7))
    real_queue, calls = reminders_service.queue_many, []

    def crash_on_second_chunk(session, messages):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("database went away")
        return real_queue(session, messages)

    monkeypatch.setattr(reminders_service, "queue_many", crash_on_second_chunk)
    monkeypatch.setattr(reminders_service, "CHUNK", 2)
    assert run_now(app, "reminders").status == "failed"
    assert len(_messages(app)) == 4  # the first chunk of two memberships was committed
    monkeypatch.setattr(reminders_service, "queue_many", real_queue)
    result = run_now(app, "reminders")
    assert result.status == "ok" and result.counts["reminders"] == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 5
        keys = db.session.scalars(select(Notification.dedupe_key)).all()
        assert len(keys) == len(set(keys)) == 10


def test_concurrent_runs_send_each_reminder_once(app):
    with app.app_context():
        for i in range(6):
            company = make_company(f"10000{i}", civil_ids=(f"20000{i}",))
            make_membership(company, f"9000{i}", EXPIRY)
            make_member(app, f"member{i}", f"20000{i}")
        db.session.commit()
    _on(app, EXPIRY - dt.timedelta(days=7))
    barrier, results = threading.Barrier(2), []

    def worker():
        barrier.wait(10)
        results.append(run_now(app, "reminders"))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.status for r in results) in (["ok", "ok"], ["ok", "skipped"])
    assert sum(r.counts.get("reminders", 0) for r in results) == 6
    assert len(_messages(app)) == 12


def test_concurrent_services_without_the_lock_still_send_once(app):
    """The unique reminder row is the real guarantee: two runs racing past the lock cannot both win."""
    with app.app_context():
        for i in range(40):
            company = make_company(f"1000{i:02d}", civil_ids=(f"2000{i:02d}",))
            make_membership(company, f"900{i:02d}", EXPIRY)
            make_member(app, f"member{i}", f"2000{i:02d}")
        db.session.commit()
    _on(app, EXPIRY - dt.timedelta(days=1))
    barrier, totals, errors = threading.Barrier(2), [], []

    def worker():
        with app.app_context():
            barrier.wait(10)
            try:
                totals.append(reminders_service.send_due_reminders(db.session, app.config, chunk=5)["reminders"])
            except Exception as exc:  # SQLite may refuse a racing writer; it must never double-send
                errors.append(exc)
                db.session.rollback()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    with app.app_context():
        if errors:  # finish what the refused writer left
            reminders_service.send_due_reminders(db.session, app.config)
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 40
    assert len(_messages(app)) == 80
    if not errors:
        assert sum(totals) == 40
