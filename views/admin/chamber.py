"""Chamber reference data: grades, governorates, fee schedules and vouchers."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, ValidationError
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from app.domain.errors import DomainError
from app.extensions import db
from app.infrastructure.clock import today
from app.services.membership import fee_schedules
from models import FeeSchedule, Governorate, Grade, GradeFee, Voucher
from views.admin.base import AMOUNT_DESCRIPTION, ChamberModelView, omr
from views.forms import CODE, AmountField, no_markup, user_message

NON_NEGATIVE = NumberRange(min=0, message=_l("A fee cannot be negative."))


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


class GradeFeeView(ChamberModelView):
    list_title = _l("Annual fees")
    show_title = _l("Annual fee")
    add_title = _l("Add annual fee")
    edit_title = _l("Edit annual fee")
    datamodel = SQLAInterface(GradeFee)
    base_order = ("grade_id", "asc")
    list_columns = ["schedule", "grade", "annual_fee"]
    add_columns = edit_columns = show_columns = ["schedule", "grade", "annual_fee"]
    label_columns = {"schedule": _l("Fee schedule"), "grade": _l("Grade"), "annual_fee": _l("Annual fee")}
    formatters_columns = {"annual_fee": omr}
    add_form_extra_fields = edit_form_extra_fields = {
        "annual_fee": AmountField(_l("Annual fee"), validators=[InputRequired(), NON_NEGATIVE],
                                  description=AMOUNT_DESCRIPTION),
    }

    def pre_add(self, item: GradeFee) -> None:
        _check_editable(item.schedule)

    pre_update = pre_delete = pre_add


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
        if refusal is not None and (refusal.field or fallback) == field.name:
            # FAB's form template passes each error through gettext and %-formatting again.
            raise ValidationError(user_message(refusal).replace("%", "%%"))

    return validate


FEE_LABELS = {
    "registration_fee": _l("New registration fee"),
    "replacement_fee": _l("Replacement certificate fee"),
    "name_change_fee": _l("Name change fee"),
    "grade_change_fee": _l("Grade change fee"),
    "late_fee_per_month": _l("Late fee per month"),
}
FEE_FIELDS = tuple(FEE_LABELS)


def _check_schedule(form, pk: int | None) -> None:
    values = {name: form[name].data for name in ("effective_from", *FEE_FIELDS)}
    if any(value is None for value in values.values()):
        return  # the field's own validator says what is missing
    fee_schedules.check_schedule_save(
        db.session, schedule_id=pk, effective_from=values.pop("effective_from"), fees=values,
        today=today(current_app.config),
    )


SCHEDULE_RULES = domain_rules(_check_schedule, fallback="effective_from")


class FeeScheduleView(ChamberModelView):
    list_title = _l("Fee schedules")
    show_title = _l("Fee schedule")
    add_title = _l("Add fee schedule")
    edit_title = _l("Edit fee schedule")
    datamodel = SQLAInterface(FeeSchedule)
    base_order = ("effective_from", "desc")
    related_views = [GradeFeeView]
    show_template = "appbuilder/general/model/show_cascade.html"
    edit_template = "appbuilder/general/model/edit_cascade.html"
    list_columns = ["effective_from", "registration_fee", "replacement_fee", "name_change_fee",
                    "grade_change_fee", "late_fee_per_month", "note"]
    search_columns = ["effective_from", "note"]
    add_columns = edit_columns = ["effective_from", *FEE_FIELDS, "note"]
    show_columns = ["effective_from", *FEE_FIELDS, "note", "created_at", "updated_at"]
    label_columns = {
        "effective_from": _l("Effective from"),
        **FEE_LABELS,
        "note": _l("Note"),
        "created_at": _l("Created"),
        "updated_at": _l("Updated"),
    }
    description_columns = {
        "effective_from": _l("Quotes made on or after this date use this schedule. It cannot be in the past."),
    }
    formatters_columns = {name: omr for name in FEE_FIELDS}
    add_form_extra_fields = edit_form_extra_fields = {
        name: AmountField(FEE_LABELS[name], validators=[InputRequired(), SCHEDULE_RULES],
                          description=AMOUNT_DESCRIPTION)
        for name in FEE_FIELDS
    }
    validators_columns = {"effective_from": [SCHEDULE_RULES], "note": [no_markup]}

    def pre_delete(self, item: FeeSchedule) -> None:
        _check_editable(item)


def _check_voucher(form, pk: int | None) -> None:
    definition = {name: form[name].data for name in ("code", "kind", "value", "valid_from", "valid_to", "use_limit")}
    if any(definition[name] is None for name in ("code", "kind", "value", "valid_from", "valid_to")):
        return  # the field's own validator says what is missing
    fee_schedules.check_voucher_save(db.session, voucher_id=pk, definition=definition)


VOUCHER_RULES = domain_rules(_check_voucher, fallback="code")


class VoucherView(ChamberModelView):
    list_title = _l("Vouchers")
    show_title = _l("Voucher")
    add_title = _l("Add voucher")
    edit_title = _l("Edit voucher")
    datamodel = SQLAInterface(Voucher)
    list_columns = ["code", "kind", "value", "valid_from", "valid_to", "use_limit", "times_used"]
    search_columns = ["code", "kind", "valid_from", "valid_to"]
    add_columns = edit_columns = ["code", "description", "kind", "value", "valid_from", "valid_to", "use_limit"]
    show_columns = add_columns + ["times_used", "created_at"]
    label_columns = {
        "code": _l("Code"), "description": _l("Description"), "kind": _l("Discount type"),
        "value": _l("Discount"), "valid_from": _l("Valid from"), "valid_to": _l("Valid to"),
        "use_limit": _l("Use limit"), "times_used": _l("Times used"), "created_at": _l("Created"),
    }
    description_columns = {"value": _l("Baisa for a fixed discount (1 OMR = 1000), whole percent for a percent discount.")}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Discount type"), choices=[("fixed", _l("Fixed amount")), ("percent", _l("Percent"))],
                            validators=[DataRequired(), VOUCHER_RULES]),
        "value": IntegerField(_l("Discount"), validators=[InputRequired(), VOUCHER_RULES]),
        "use_limit": IntegerField(_l("Use limit"), validators=[Optional(), VOUCHER_RULES]),
    }
    validators_columns = {
        "code": [DataRequired(), VOUCHER_RULES],
        "valid_from": [VOUCHER_RULES],
        "valid_to": [VOUCHER_RULES],
        "description": [no_markup],
    }


def _check_editable(schedule: FeeSchedule | None) -> None:
    # FAB shows the text of an exception raised by a pre_* hook and saves nothing.
    if schedule is None or schedule.id is None:
        return
    try:
        fee_schedules.check_schedule_editable(db.session, schedule.id, today=today(current_app.config))
    except DomainError as error:
        raise ValueError(user_message(error)) from error
