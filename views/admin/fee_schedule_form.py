"""The one form of a fee schedule: its date, its service fees and every grade's annual fee, in rials."""
from __future__ import annotations

from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.services.membership.fee_schedule_changes import FEE_FIELDS, ScheduleDraft, grade_name
from models import Grade
from views.admin.base import AMOUNT_DESCRIPTION
from views.admin.fee_schedules import FEE_LABELS
from views.forms import AmountField, no_markup

NON_NEGATIVE = NumberRange(min=0, message=_l("A fee cannot be negative."))


class AnnualFeeLabel:
    """“Annual fee, Fourth grade”, in the reader's language when the form is shown."""

    def __init__(self, grade: Grade) -> None:
        self.name = grade_name(grade)

    def __str__(self) -> str:
        return gettext("Annual fee, %(grade)s", grade=str(self.name))


class FeeScheduleForm(FlaskForm):
    effective_from = DateField(_l("Effective from"), format="%Y-%m-%d", widget=DatePickerWidget(),
                               validators=[InputRequired(message=_l("Enter the date the schedule takes effect."))],
                               description=_l("Quotes made on or after this date use this schedule. "
                                              "It cannot be in the past."))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200), no_markup])


def annual_field_name(grade: Grade) -> str:
    return f"annual_fee_{grade.id}"


def schedule_form(grades: list[Grade], draft: ScheduleDraft | None = None, formdata=None) -> FeeScheduleForm:
    """The form for the chamber's grades as they are now, filled from `draft` or the posted data."""

    class Form(FeeScheduleForm):
        pass

    for name in FEE_FIELDS:
        setattr(Form, name, AmountField(FEE_LABELS[name], validators=[InputRequired(), NON_NEGATIVE],
                                        description=AMOUNT_DESCRIPTION))
    for grade in grades:
        # Optional here: a missing grade's fee is refused by the rule, with the grade's name.
        setattr(Form, annual_field_name(grade), AmountField(str(grade.code), validators=[Optional(), NON_NEGATIVE],
                                                            description=AMOUNT_DESCRIPTION))
    data = {}
    if draft is not None:
        data = {"effective_from": draft.effective_from, "note": draft.note,
                **{name: draft.fees.get(name) for name in FEE_FIELDS},
                **{annual_field_name(g): draft.annual_fees.get(g.id) for g in grades}}
    form = Form(formdata=formdata, data=data)
    for grade in grades:
        form[annual_field_name(grade)].label.text = AnnualFeeLabel(grade)
    return form


def draft_from(form: FeeScheduleForm, grades: list[Grade], copied_from: int | None = None) -> ScheduleDraft:
    return ScheduleDraft(
        effective_from=form.effective_from.data,
        fees={name: form[name].data for name in FEE_FIELDS},
        annual_fees={g.id: form[annual_field_name(g)].data for g in grades},
        note=(form.note.data or "").strip() or None,
        copied_from=copied_from,
    )
