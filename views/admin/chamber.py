"""Chamber reference data: grades and governorates (fee schedules and vouchers have their own modules)."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, request
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.validators import NumberRange

from app.domain.errors import DomainError
from app.extensions import db
from app.infrastructure.clock import today
from app.services.membership.fee_schedule_changes import grade_name, incomplete_schedules
from models import Governorate, Grade
from views.admin.base import ChamberModelView
from views.forms import CODE, no_markup, user_message


class GradeView(ChamberModelView):
    list_title = _l("Grades")
    show_title = _l("Grade")
    add_title = _l("Add grade")
    edit_title = _l("Edit grade")
    datamodel = SQLAInterface(Grade)
    base_order = ("rank", "asc")
    list_columns = ["rank", "code", "name_en", "name_ar"]
    search_columns = ["code", "name_en", "name_ar"]
    add_columns = edit_columns = show_columns = ["code", "name_en", "name_ar", "rank"]
    label_columns = {"code": _l("Code"), "name_en": _l("Name (English)"),
                     "name_ar": _l("Name (Arabic)"), "rank": _l("Rank")}
    description_columns = {"rank": _l("0 is the highest grade (Excellent).")}
    validators_columns = {"code": [CODE], "rank": [NumberRange(min=0, max=20)],
                          "name_en": [no_markup], "name_ar": [no_markup]}

    def post_add(self, item: Grade) -> None:
        # A new grade needs its annual fee in the schedule in force and every one still to come.
        for state in incomplete_schedules(db.session, today(current_app.config)):
            flash(gettext("The fee schedule effective from %(date)s has no annual fee for grade %(grade)s: "
                          "members of that grade cannot be quoted until it is completed.",
                          date=state.schedule.effective_from.isoformat(), grade=str(grade_name(item))),
                  "warning")


class GovernorateView(ChamberModelView):
    list_title = _l("Governorates")
    show_title = _l("Governorate")
    add_title = _l("Add governorate")
    edit_title = _l("Edit governorate")
    datamodel = SQLAInterface(Governorate)
    base_order = ("name_en", "asc")
    list_columns = ["code", "name_en", "name_ar"]
    search_columns = ["code", "name_en", "name_ar"]
    add_columns = edit_columns = show_columns = ["code", "name_en", "name_ar"]
    label_columns = GradeView.label_columns
    validators_columns = {"code": [CODE]}




def domain_rules(check: Callable[[object, int | None], None], fallback: str) -> Callable:
    """A field validator that runs the chamber's rule for the whole form once and shows its
    refusal, in the reader's language, next to the field the refusal names (`fallback` when
    it names none). `check(form, pk)` raises the domain's error; pk is None when adding."""

    def validate(form, field) -> None:
        if "_domain_refusal" not in vars(form):
            form._domain_refusal = None
            try:
                check(form, (request.view_args or {}).get("pk"))
            except DomainError as refusal:
                form._domain_refusal = refusal
        refusal = form._domain_refusal
        if refusal is not None and (getattr(refusal, "field", None) or fallback) == field.name:
            # FAB's form template passes each error through gettext and %-formatting again.
            raise ValidationError(user_message(refusal).replace("%", "%%"))

    return validate
