"""No database error text reaches a back-office page: refusals name the field in the reader's language."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.audit.trail import acting_as
from models import Company, Grade, GradeFee, FeeSchedule, Membership
from tests.conftest import csrf_for
from tests.integration.helpers import login, make_user
from views.admin.db_errors import describe


@pytest.fixture
def admin(app, client):
    make_user(app, "admin1", "Admin")
    login(client, "admin1")
    return client


def test_every_back_office_model_view_reports_refusals_in_words(app):
    from flask_appbuilder import ModelView

    from views.admin.scale import ChamberInterface

    # FAB's own user and role screens get their interface from FAB's security manager and
    # check unique names in their forms; every chamber screen goes through ChamberInterface.
    views = [v for v in app.appbuilder.baseviews if isinstance(v, ModelView)
             and type(v).__module__.startswith("views.") and type(v).__module__ != "views.admin.security"]
    assert len(views) > 10
    assert all(isinstance(v.datamodel, ChamberInterface) for v in views), [
        type(v).__name__ for v in views if not isinstance(v.datamodel, ChamberInterface)]


def _integrity_error(app, change) -> IntegrityError:
    with app.app_context(), acting_as("test"):
        try:
            change()
            db.session.flush()
        except IntegrityError as error:
            db.session.rollback()
            db.session.remove()
            return error
    raise AssertionError("the database accepted it")


@pytest.mark.parametrize("language,expected", [
    ("en", "Fee schedule, Grade: another record already has this value."),
    ("ar", "جدول الرسوم, الدرجة: يوجد سجل آخر بهذه القيمة."),
])
def test_a_second_annual_fee_for_a_grade_names_the_fields(app, language, expected):
    from flask_babel import lazy_gettext

    def change():
        grade = db.session.scalar(select(Grade).where(Grade.code == "fourth"))
        schedule = FeeSchedule(effective_from=dt.date(2027, 1, 1))
        schedule.grade_fees = [GradeFee(grade=grade, annual_fee=1), GradeFee(grade=grade, annual_fee=2)]
        db.session.add(schedule)

    error = _integrity_error(app, change)
    labels = {"schedule": lazy_gettext("Fee schedule"), "grade": lazy_gettext("Grade")}
    with app.test_request_context(f"/?_l_={language}"):
        assert describe(error, GradeFee.__table__, labels) == expected


def test_a_check_constraint_names_its_field(app):
    def change():
        db.session.add(FeeSchedule(effective_from=dt.date(2027, 1, 1), registration_fee=-1))

    error = _integrity_error(app, change)
    with app.test_request_context():
        text = describe(error, FeeSchedule.__table__, {"registration_fee": "New registration fee"})
    assert text == "New registration fee: this value is not allowed."


def test_deleting_a_grade_still_used_says_so_without_database_text(app, admin):
    with app.app_context(), acting_as("test"):
        fourth = db.session.scalar(select(Grade).where(Grade.code == "fourth"))
        company = Company(cr_number="1229237", name_en="promising projects", name_ar="المشاريع الواعدة",
                          cr_status="active")
        db.session.add(Membership(occi_number="91868", company=company, grade=fourth,
                                  joined_on=dt.date(2017, 3, 19), expires_on=dt.date(2018, 3, 19)))
        db.session.commit()
        pk = fourth.id
        db.session.remove()
    for language, expected in (("en", "This record is still used by other records, so it cannot be deleted."),
                               ("ar", "هذا السجل ما زال مستخدمًا في سجلات أخرى، فلا يمكن حذفه.")):
        admin.get(f"/lang/{language}")
        page = admin.post(f"/gradeview/delete/{pk}", data={"csrf_token": csrf_for(admin, app)},
                          follow_redirects=True).get_data(as_text=True)
        assert expected in page
        assert "IntegrityError" not in page and "constraint" not in page.lower() and "grade" not in page.split(
            expected)[0][-300:].lower().replace("gradeview", "")
    with app.app_context():
        assert db.session.get(Grade, pk) is not None
        db.session.remove()
