"""The fee schedule editor: one form for a schedule's date, service fees and every grade's annual fee,
saved together or not at all, with the quotes it gives beside those of the schedule in force.

Reached from the fee schedules list ("Add", "Edit" on a schedule still to come, "Copy as a new
schedule" on any). Its permissions are the fee schedules' own (can_add, can_edit on
FeeScheduleView), so staff and auditors, who only read schedules, cannot open it.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.domain import fees as domain_fees
from app.domain.errors import DomainError, ScheduleClash
from app.domain.fee_preview import preview
from app.domain.money import format_omr
from app.extensions import db
from app.infrastructure.clock import today
from app.services.membership import fee_schedule_changes as changes
from models import FeeSchedule
from views.admin.fee_schedule_form import annual_field_name, draft_from, schedule_form
from views.forms import user_message


def _preview_rows(draft: changes.ScheduleDraft, grades, on) -> list | None:
    """The preview of a draft whose service fees are all typed (annual fees may be missing)."""
    if any(draft.fees.get(name) is None for name in changes.FEE_FIELDS):
        return None
    by_id = {g.id: g for g in grades}
    proposed = domain_fees.FeeSchedule(
        effective_from=draft.effective_from or on,
        annual_fees={by_id[i].code: fee for i, fee in draft.annual_fees.items() if fee is not None and i in by_id},
        **{name: draft.fees[name] for name in changes.FEE_FIELDS})
    current = changes.in_force(db.session, on)
    names = {g.code: changes.grade_name(g) for g in grades}
    rows = preview(proposed, changes.domain_shape(current) if current is not None else None,
                   [g.code for g in grades])
    return [(names.get(row.grade), row) for row in rows]


class FeeScheduleEditorView(BaseView):
    route_base = "/fee-schedules/editor"
    default_view = "new"
    class_permission_name = "FeeScheduleView"
    method_permission_name = {"new": "add", "edit": "edit"}

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        grades = changes.grades(db.session)
        source = None
        copy_id = request.args.get("copy", type=int)
        if copy_id is not None:
            source = db.session.get(FeeSchedule, copy_id)
            if source is None:
                abort(404)
        draft = changes.ScheduleDraft.from_schedule(source, grades, keep_date=False) if source else None
        return self._form_page(grades, draft, schedule_id=None, title=_l("New fee schedule"), source=source)

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: int):
        schedule = db.session.get(FeeSchedule, pk)
        if schedule is None:
            abort(404)
        if changes.is_in_force_or_past(schedule, today(current_app.config)):
            flash(gettext("The fee schedule effective from %(date)s has taken effect and can no longer be "
                          "changed. Copy it as a new schedule instead.", date=schedule.effective_from.isoformat()),
                  "warning")
            return redirect(url_for("FeeScheduleView.show", pk=pk))
        grades = changes.grades(db.session)
        draft = changes.ScheduleDraft.from_schedule(schedule, grades, keep_date=True)
        return self._form_page(grades, draft, schedule_id=pk, title=_l("Edit fee schedule"), source=None)

    def _form_page(self, grades, draft, *, schedule_id, title, source):
        on = today(current_app.config)
        form = schedule_form(grades, draft, formdata=request.form if request.method == "POST" else None)
        error = clash = None
        rows = _preview_rows(draft, grades, on) if draft is not None else None
        if request.method == "POST":
            if form.validate():
                draft = draft_from(form, grades, copied_from=source.id if source else None)
                rows = _preview_rows(draft, grades, on)
                try:
                    if request.form.get("step") == "save":
                        saved = changes.save_schedule(db.session, draft, schedule_id=schedule_id, today=on)
                        flash(gettext("The fee schedule effective from %(date)s was saved.",
                                      date=saved.effective_from.isoformat()), "success")
                        return redirect(url_for("FeeScheduleView.show", pk=saved.id))
                    changes.check_draft(db.session, draft, schedule_id=schedule_id, today=on)
                except DomainError as refusal:
                    db.session.rollback()
                    error = user_message(refusal)
                    if isinstance(refusal, ScheduleClash):
                        clash = refusal.params["schedule_id"]
                    self._mark_missing(form, draft, grades)
            else:
                error = gettext("Check the fields marked below.")
        status = 200 if error is None else 422
        return self.render_template(
            "admin/fee_schedule_editor.html", title=title, form=form, error=error, clash=clash, preview=rows,
            grade_fields=[(g, form[annual_field_name(g)]) for g in grades], fee_fields=changes.FEE_FIELDS,
            source=source, format_omr=format_omr, in_force=changes.in_force(db.session, on)), status

    @staticmethod
    def _mark_missing(form, draft, grades) -> None:
        for grade in grades:
            if draft.annual_fees.get(grade.id) is None:
                form[annual_field_name(grade)].errors = [
                    gettext("Enter the annual fee of %(grade)s.", grade=str(changes.grade_name(grade)))]
