"""The one-form fee schedule editor: everything saved together or nothing, missing grades named,
clashes named, schedules in force frozen, the preview beside the schedule in force."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import AuditEntry, FeeSchedule, Grade, GradeFee
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user

TODAY = dt.date(2026, 11, 24)
SEED_ANNUAL = {"excellent": "300", "first": "100", "second": "75", "third": "50", "fourth": "25"}
SERVICE_FEES = {"registration_fee": "10", "replacement_fee": "4", "name_change_fee": "4",
                "grade_change_fee": "4", "late_fee_per_month": "0"}
EDITOR = "/fee-schedules/editor/new"


@pytest.fixture
def admin(app, client):
    app.config["CLOCK_TODAY"] = TODAY
    make_user(app, "admin1", "Admin")
    login(client, "admin1")
    return client


def grade_ids(app) -> dict[str, int]:
    with app.app_context():
        ids = {g.code: g.id for g in db.session.scalars(select(Grade))}
        db.session.remove()
        return ids


def form(app, effective_from: str, annual: dict[str, str] | None = None, **fees) -> dict:
    ids = grade_ids(app)
    annual = SEED_ANNUAL if annual is None else annual
    return {"effective_from": effective_from, "note": "", **SERVICE_FEES, **fees,
            **{f"annual_fee_{ids[code]}": amount for code, amount in annual.items()}}


def post(app, client, url, data, step="save", language="en"):
    client.get(f"/lang/{language}")
    return client.post(url, data={**data, "step": step, "csrf_token": csrf_for(client, app)})


def count(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
        return n


def seed_schedule(app, effective_from=dt.date(2018, 1, 1), fourth=25_000, note="Seed fees") -> int:
    with app.app_context():
        grades = {g.code: g for g in db.session.scalars(select(Grade))}
        schedule = FeeSchedule(effective_from=effective_from, note=note, registration_fee=10_000,
                               replacement_fee=4_000, name_change_fee=4_000, grade_change_fee=4_000,
                               late_fee_per_month=0)
        for code, amount in SEED_ANNUAL.items():
            fee = fourth if code == "fourth" else int(amount) * 1000
            schedule.grade_fees.append(GradeFee(grade=grades[code], annual_fee=fee))
        db.session.add(schedule)
        db.session.commit()
        pk = schedule.id
        db.session.remove()
        return pk


def test_a_whole_schedule_is_saved_in_one_form_in_rials(app, admin):
    response = post(app, admin, EDITOR, form(app, "2027-01-01", note="2027 fees"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        schedule = db.session.scalar(select(FeeSchedule))
        assert schedule.effective_from == dt.date(2027, 1, 1) and schedule.registration_fee == 10_000
        assert {fee.grade.code: fee.annual_fee for fee in schedule.grade_fees} == {
            "excellent": 300_000, "first": 100_000, "second": 75_000, "third": 50_000, "fourth": 25_000}
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "grade_fee")) == 5
        db.session.remove()


@pytest.mark.parametrize("language,expected", [
    ("en", "Enter the annual fee of every grade: Fourth has none."),
    ("ar", "الرابعة"),
])
def test_a_schedule_missing_a_grade_is_refused_naming_the_grade(app, admin, language, expected):
    annual = {code: amount for code, amount in SEED_ANNUAL.items() if code != "fourth"}
    response = post(app, admin, EDITOR, form(app, "2027-01-01", annual), language=language)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and expected in html
    assert count(app, FeeSchedule) == 0 and count(app, GradeFee) == 0


def test_a_bad_amount_saves_nothing(app, admin):
    response = post(app, admin, EDITOR, form(app, "2027-01-01", replacement_fee="4.0005"))
    assert response.status_code == 422 and "at most three decimals" in response.get_data(as_text=True)
    response = post(app, admin, EDITOR, form(app, "2027-01-01", replacement_fee="-4"), language="ar")
    assert response.status_code == 422 and "سالب" in response.get_data(as_text=True)
    assert count(app, FeeSchedule) == 0


def test_an_overlap_names_the_schedule_it_clashes_with(app, admin):
    pk = seed_schedule(app, dt.date(2027, 1, 1), note="Fees of 2027")
    response = post(app, admin, EDITOR, form(app, "2027-01-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The fee schedule “Fees of 2027” already takes effect on 2027-01-01." in html
    assert f'href="/feescheduleview/show/{pk}"' in html
    assert "IntegrityError" not in html and "Already exists" not in html
    assert count(app, FeeSchedule) == 1


def test_a_schedule_in_the_past_is_refused(app, admin):
    response = post(app, admin, EDITOR, form(app, "2026-01-01"))
    assert response.status_code == 422 and "before today" in response.get_data(as_text=True)
    assert count(app, FeeSchedule) == 0


def test_a_schedule_in_force_shows_no_edit_or_delete_and_can_be_copied(app, admin):
    in_force = seed_schedule(app)
    future = seed_schedule(app, dt.date(2027, 1, 1), note="Next year")
    listing = admin.get("/feescheduleview/list/").get_data(as_text=True)
    assert f"/feescheduleview/edit/{future}" in listing and f"/feescheduleview/delete/{future}" in listing
    assert f"/feescheduleview/edit/{in_force}" not in listing
    assert f"/feescheduleview/delete/{in_force}" not in listing
    assert f"/fee-schedules/editor/new?copy={in_force}" in listing
    show = admin.get(f"/feescheduleview/show/{in_force}").get_data(as_text=True)
    assert 'id="edit-schedule"' not in show and 'id="copy-schedule"' in show
    # Typing the address does not help either.
    response = admin.get(f"/fee-schedules/editor/{in_force}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/feescheduleview/show/{in_force}")
    response = post(app, admin, f"/fee-schedules/editor/{in_force}/edit", form(app, "2018-01-01", fourth="30"))
    assert response.status_code == 302
    admin.post(f"/feescheduleview/delete/{in_force}", data={"csrf_token": csrf_for(admin, app)})
    with app.app_context():
        assert db.session.get(FeeSchedule, in_force).grade_fees[-1].annual_fee in (25_000, 300_000)
        assert {f.grade.code: f.annual_fee for f in db.session.get(FeeSchedule, in_force).grade_fees}["fourth"] == 25_000
        db.session.remove()
    # The copy starts a draft with the same fees and no date.
    copy = admin.get(f"/fee-schedules/editor/new?copy={in_force}").get_data(as_text=True)
    ids = grade_ids(app)
    assert re.search(rf'name="annual_fee_{ids["fourth"]}"[^>]*value="25.000"', copy) or \
        re.search(rf'value="25.000"[^>]*name="annual_fee_{ids["fourth"]}"', copy)
    assert 'id="copied-from"' in copy


def test_a_future_schedule_is_edited_in_the_same_form(app, admin):
    future = seed_schedule(app, dt.date(2027, 1, 1), note="Next year")
    response = post(app, admin, f"/fee-schedules/editor/{future}/edit",
                    form(app, "2027-02-01", {**SEED_ANNUAL, "fourth": "30"}))
    assert response.status_code == 302
    with app.app_context():
        schedule = db.session.get(FeeSchedule, future)
        assert schedule.effective_from == dt.date(2027, 2, 1)
        assert {f.grade.code: f.annual_fee for f in schedule.grade_fees}["fourth"] == 30_000
        assert len(schedule.grade_fees) == 5
        db.session.remove()


def test_the_preview_sets_the_quotes_beside_the_schedule_in_force(app, admin):
    seed_schedule(app)
    response = post(app, admin, EDITOR, form(app, "2027-01-01", {**SEED_ANNUAL, "fourth": "30"}), step="preview")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count(app, FeeSchedule) == 1  # a preview saves nothing
    table = html.split('id="schedule-preview"', 1)[1].split("</table>", 1)[0]
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", table, re.S)]
    changed = [row for row in re.findall(r'<tr class="([^"]*)">', table)]
    assert "Fourth Renewal, one year 30.000 OMR 25.000 OMR +5.000 OMR" in rows
    assert "Fourth Renewal, one year and six months 45.000 OMR 37.500 OMR +7.500 OMR" in rows
    assert "Fourth Renewal, two years 60.000 OMR 50.000 OMR +10.000 OMR" in rows
    assert "Fourth New membership (registration and first year) 40.000 OMR 35.000 OMR +5.000 OMR" in rows
    assert "Third Renewal, one year 50.000 OMR 50.000 OMR" in rows
    assert changed.count("warning changed") == 4  # only the fourth grade's quotes moved
    assert "Every grade Replacement certificate fee 4.000 OMR 4.000 OMR" in rows


def test_staff_and_auditors_cannot_open_the_editor(app, client):
    make_user(app, "staff1", "Staff")
    login(client, "staff1")
    assert client.get(EDITOR).status_code in (302, 403)
    assert client.get("/feescheduleview/list/").status_code == 200


def test_a_grade_added_later_is_reported_on_the_schedules(app, admin):
    seed_schedule(app)
    seed_schedule(app, dt.date(2027, 1, 1), note="Next year")
    response = post(app, admin, "/gradeview/add", {"code": "fifth", "name_en": "Fifth", "name_ar": "الخامسة",
                                                   "rank": "5"})
    assert response.status_code == 302
    page = admin.get("/gradeview/list/").get_data(as_text=True)
    assert "has no annual fee for grade Fifth" in page
    listing = admin.get("/feescheduleview/list/").get_data(as_text=True)
    assert listing.count("Incomplete: no annual fee for Fifth") == 2
    # The editor now asks for the new grade's fee before the future schedule can be saved again.
    with app.app_context():
        future = db.session.scalar(select(FeeSchedule.id).where(FeeSchedule.effective_from == dt.date(2027, 1, 1)))
        db.session.remove()
    response = post(app, admin, f"/fee-schedules/editor/{future}/edit", form(app, "2027-01-01"))
    assert response.status_code == 422 and "Fifth has none" in response.get_data(as_text=True)
