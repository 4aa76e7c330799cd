"""Whatever an administrator does to the fee tables, a member never sees a server error: the services
say (in English and Arabic) that fees are being updated, and staff find the reason in the error log."""
from __future__ import annotations

import html
import logging

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.services.audit.trail import acting_as
from models import FeeSchedule, Grade, GradeFee

from tests.conftest import csrf_from

from .helpers import choose_membership, refused_at_selection
from .helpers import text as raw_text

BASE = "/services/renewal"
def text(response) -> str:
    return html.unescape(raw_text(response))


MESSAGES = {"en": "The chamber's fees are being updated. Please try again later.",
            "ar": "يجري تحديث رسوم الغرفة. يُرجى المحاولة لاحقًا."}


def drop_fourth_grade_fee(app) -> None:
    with app.app_context(), acting_as("test"):
        fourth = db.session.scalar(select(Grade.id).where(Grade.code == "fourth"))
        db.session.execute(delete(GradeFee).where(GradeFee.grade_id == fourth))
        db.session.commit()
        db.session.remove()


def drop_schedules(app) -> None:
    with app.app_context(), acting_as("test"):
        db.session.execute(delete(GradeFee))
        db.session.execute(delete(FeeSchedule))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("break_fees", [drop_fourth_grade_fee, drop_schedules])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_renewal_says_fees_are_being_updated(app, hashmi, caplog, break_fees, language):
    break_fees(app)
    hashmi.get(f"/lang/{language}")
    choose_membership(hashmi, app, BASE, "1445820", "91868", "7324674")
    with caplog.at_level(logging.ERROR, logger="ghurfa.quotes"):
        page = hashmi.get(f"{BASE}/period")
        assert page.status_code == 422 and MESSAGES[language] in text(page)
        posted = hashmi.post(f"{BASE}/period", data={"months": "12", "voucher_code": "", "step": "continue",
                                                     "csrf_token": csrf_from(raw_text(page))})
        assert posted.status_code == 422 and MESSAGES[language] in text(posted)
        check = hashmi.get(f"{BASE}/check")
        assert check.status_code in (302, 422)
    assert any("cannot be quoted" in record.getMessage() for record in caplog.records)


def test_a_new_grade_without_its_fee_only_stops_that_grade(app, hashmi, salim, caplog):
    """A grade added after the schedule came into force: its members are told, others go on."""
    with app.app_context(), acting_as("test"):
        db.session.add(Grade(code="fifth", name_en="Fifth", name_ar="الخامسة", rank=5))
        db.session.commit()
        db.session.remove()
    choose_membership(hashmi, app, BASE, "1445820", "91868", "7324674")
    assert hashmi.get(f"{BASE}/period").status_code == 200  # the Fourth grade still has its fee
    from models import Membership

    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.occi_number == "100234"))
        membership.grade = db.session.scalar(select(Grade).where(Grade.code == "fifth"))
        db.session.commit()
        db.session.remove()
    # The replacement cannot be quoted: it says so when the membership is chosen, before any identity check.
    with caplog.at_level(logging.ERROR, logger="ghurfa.quotes"):
        page = html.unescape(refused_at_selection(hashmi, "/services/replacement", "1102345", "100234"))
    assert MESSAGES["en"] in page
    assert any("fifth" in record.getMessage() for record in caplog.records)


def test_the_seed_fees_still_hold(app, hashmi):
    choose_membership(hashmi, app, BASE, "1445820", "91868", "7324674")
    period = text(hashmi.get(f"{BASE}/period"))
    for figure in ("RO 25<", "RO 37.500<", "RO 50<", "2019-03-19", "2019-09-19", "2020-03-19"):
        assert figure in period
    with app.app_context():
        schedule = db.session.scalar(select(FeeSchedule))
        assert {f.grade.code: f.annual_fee for f in schedule.grade_fees}["fourth"] == 25_000
        assert (schedule.replacement_fee, schedule.name_change_fee, schedule.grade_change_fee) == (4_000,) * 3
        db.session.remove()
