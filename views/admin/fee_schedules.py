"""The fee schedules list and page: which schedule is in force, which are scheduled or incomplete;
no Edit or Delete once a schedule is in force, and "Copy as a new schedule" on every one.

Schedules are written only through the one-form editor (views/admin/fee_schedule_editor.py);
the annual fees are listed on their schedule's page, read-only.
"""
from __future__ import annotations

from flask import current_app, g, redirect, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.domain.errors import DomainError
from app.extensions import db
from app.infrastructure.clock import today
from app.services.membership import fee_schedule_changes as changes
from models import FeeSchedule, GradeFee
from views.admin.base import ChamberModelView, omr
from views.admin.scale import ChamberInterface
from views.admin.widgets import ChamberListWidget
from views.forms import user_message

FEE_LABELS = {
    "registration_fee": _l("New registration fee"),
    "replacement_fee": _l("Replacement certificate fee"),
    "name_change_fee": _l("Name change fee"),
    "grade_change_fee": _l("Grade change fee"),
    "late_fee_per_month": _l("Late fee per month"),
}
FEE_FIELDS = tuple(FEE_LABELS)
STATE_LABELS = {"in_force": _l("In force"), "scheduled": _l("Scheduled"), "past": _l("No longer in force")}


def _states() -> dict[int, changes.ScheduleState]:
    """Every schedule's state, worked out once per request."""
    if "ghurfa_schedule_states" not in g:
        g.ghurfa_schedule_states = changes.schedule_states(db.session, today(current_app.config))
    return g.ghurfa_schedule_states


def state_label(schedule_id: int) -> Markup:
    state = _states().get(schedule_id)
    if state is None:
        return Markup("")
    text = escape(STATE_LABELS[state.state])
    if state.missing and state.state != "past":
        names = ", ".join(str(changes.grade_name(grade)) for grade in state.missing)
        warning = escape(gettext("Incomplete: no annual fee for %(grades)s", grades=names))
        return Markup(f'{text} <span class="label label-danger schedule-incomplete">{warning}</span>')
    return text


def copy_link(schedule_id: int) -> Markup:
    url = url_for("FeeScheduleEditorView.new", copy=schedule_id)
    return Markup(f'<a class="btn btn-xs btn-default copy-schedule" href="{escape(url)}">'
                  f'{escape(gettext("Copy as a new schedule"))}</a>')


class FeeScheduleListWidget(ChamberListWidget):
    """Rows of schedules in force (or replaced) get no Edit or Delete button."""

    def __init__(self, **kwargs) -> None:
        kwargs["frozen_pks"] = {pk for pk, state in _states().items() if state.state != "scheduled"}
        super().__init__(**kwargs)


class ScheduleInterface(ChamberInterface):
    """The schedule's state and copy link are columns worked out from its id."""

    @staticmethod
    def _get_attr_value(item, col):
        if col in ("state", "copy"):
            return item.id
        return ChamberInterface._get_attr_value(item, col)


class GradeFeeView(ChamberModelView):
    """A schedule's annual fees, shown on its page; they change only through the editor."""

    list_title = _l("Annual fees")
    show_title = _l("Annual fee")
    datamodel = SQLAInterface(GradeFee)
    base_permissions = ["can_list", "can_show"]
    base_order = ("grade_id", "asc")
    list_columns = ["schedule", "grade", "annual_fee"]
    show_columns = ["schedule", "grade", "annual_fee"]
    label_columns = {"schedule": _l("Fee schedule"), "grade": _l("Grade"), "annual_fee": _l("Annual fee")}
    formatters_columns = {"annual_fee": omr}


class FeeScheduleView(ChamberModelView):
    list_title = _l("Fee schedules")
    show_title = _l("Fee schedule")
    datamodel = ScheduleInterface(FeeSchedule)
    base_order = ("effective_from", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]
    related_views = [GradeFeeView]
    list_widget = FeeScheduleListWidget
    show_template = "admin/fee_schedule_show.html"
    list_columns = ["effective_from", "state", "registration_fee", "replacement_fee", "name_change_fee",
                    "grade_change_fee", "late_fee_per_month", "note", "copy"]
    search_columns = ["effective_from", "note"]
    show_columns = ["effective_from", "state", *FEE_FIELDS, "note", "created_at", "updated_at"]
    label_columns = {
        "effective_from": _l("Effective from"), **FEE_LABELS, "note": _l("Note"), "state": _l("Status"),
        "copy": "", "created_at": _l("Created"), "updated_at": _l("Updated"),
    }
    formatters_columns = {**{name: omr for name in FEE_FIELDS}, "state": state_label, "copy": copy_link}

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        return redirect(url_for("FeeScheduleEditorView.new"))

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        return redirect(url_for("FeeScheduleEditorView.edit", pk=pk))

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            state = _states().get(int(kwargs["pk"]))
            kwargs["schedule_state"] = state.state if state else None
        return super().render_template(template, **kwargs)

    def pre_delete(self, item: FeeSchedule) -> None:
        # FAB shows the text of an exception raised here and deletes nothing.
        from app.domain.fees import check_schedule_editable

        try:
            check_schedule_editable(changes.domain_shape(item), today(current_app.config))
        except DomainError as error:
            raise ValueError(user_message(error)) from error


