"""The chamber's details and its schedules and policies, each one settings page edited by Admin (auditors
read them); a value set by an environment variable is shown as such and cannot be changed here."""
from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app.domain.errors import TranslatableError
from app.extensions import db
from app.infrastructure.clock import now_utc
from app.services.settings import chamber_details, emblem, policies, store
from jobs.catalogue import JOBS
from views.admin.jobs import JOB_LABELS
from views.forms import user_message

DETAIL_LABELS = {
    "name_en": _l("Name (English)"), "name_ar": _l("Name (Arabic)"),
    "address_en": _l("Address (English)"), "address_ar": _l("Address (Arabic)"),
    "phone": _l("Telephone"), "email": _l("Email"), "website": _l("Website"),
    "hours_en": _l("Opening hours (English)"), "hours_ar": _l("Opening hours (Arabic)"),
    "signatory_name_en": _l("Name under the certificate's signature (English)"),
    "signatory_name_ar": _l("Name under the certificate's signature (Arabic)"),
    "signatory_title_en": _l("Title under the certificate's signature (English)"),
    "signatory_title_ar": _l("Title under the certificate's signature (Arabic)"),
}
MAX_DETAIL = 300


def require_csrf() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


class SettingsPage(BaseView, ABC):
    """One settings page: everyone with can_list reads it, Admin (can_edit) saves it."""

    default_view = "index"
    base_permissions = ["can_list", "can_edit"]

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        return self._page(None, None)

    @expose("/", methods=["POST"])
    @has_access
    @permission_name("edit")
    def save(self):
        require_csrf()
        return self._save()

    @abstractmethod
    def _save(self):
        """Checks and saves the posted form; the response."""

    @abstractmethod
    def _page(self, typed, error, error_field=None):
        """The page, with what was typed and the refusal, if any."""


class ChamberDetailsView(SettingsPage):
    route_base = "/chamber-details"

    def _save(self):
        typed = {field: request.form.get(field, "") for field in chamber_details.FIELDS}
        too_long = [field for field, value in typed.items() if len(value) > MAX_DETAIL or "<" in value]
        if too_long:
            return self._page(typed, gettext("%(field)s is too long or holds markup.",
                                              field=DETAIL_LABELS[too_long[0]])), 422
        changed = chamber_details.save_details(db.session, typed, current_user.id)
        flash(gettext("The chamber's details are saved (%(count)s changed); the next certificate, receipt and "
                      "message use them.", count=len(changed)), "success")
        return redirect(url_for("ChamberDetailsView.index"))

    @expose("/emblem", methods=["POST"])
    @has_access
    @permission_name("edit")
    def upload_emblem(self):
        require_csrf()
        upload = request.files.get("emblem")
        try:
            emblem.save_emblem(db.session, upload.read(emblem.MAX_BYTES + 1) if upload else b"", current_user.id)
        except TranslatableError as refusal:
            db.session.rollback()
            return self._page(None, user_message(refusal)), 422
        flash(gettext("The emblem is saved; the next certificate prints it."), "success")
        return redirect(url_for("ChamberDetailsView.index"))

    @expose("/emblem")
    @has_access
    @permission_name("list")
    def emblem_image(self):
        path = chamber_details.emblem_path()
        if path is None or not path.is_file():
            abort(404)
        return send_file(path, mimetype="image/png" if path.suffix == ".png" else "image/jpeg", max_age=0)

    def _page(self, typed, error, error_field=None):
        state = chamber_details.details_form_state()
        values = typed or {field: state[field].value or "" for field in chamber_details.FIELDS}
        path = chamber_details.emblem_path()
        return self.render_template(
            "admin/chamber_details.html", title=gettext("Chamber details"), state=state, values=values,
            labels=DETAIL_LABELS, error=error, has_emblem=bool(path and path.is_file()),
            emblem_overridden=store.effective(chamber_details.EMBLEM).overridden)


class PoliciesView(SettingsPage):
    route_base = "/schedules-and-policies"

    def _save(self):
        try:
            changed = policies.save_policies(db.session, request.form, current_user.id)
        except TranslatableError as refusal:
            db.session.rollback()
            return self._page(request.form, user_message(refusal), getattr(refusal, "field", None)), 422
        flash(gettext("Schedules and policies are saved (%(count)s changed); the scheduler picks them up within "
                      "a minute.", count=len(changed)), "success")
        return redirect(url_for("PoliciesView.index"))

    def _page(self, typed, error, error_field=None):
        config = current_app.config
        start, end = policies.quiet_hours()
        plan = policies.job_schedules()
        sources = policies.job_schedule_sources(config)
        now = now_utc(config).replace(tzinfo=dt.timezone.utc)
        values = {
            "reminder_offsets": ", ".join(str(o) for o in policies.reminder_offsets()),
            "quiet_start": start, "quiet_end": end,
            "grace_days": str(policies.grace_days()), "order_ttl_minutes": str(policies.order_ttl_minutes()),
            **{f"schedule_{name}": plan[name] or "off" for name in JOBS},
        }
        if typed:
            values.update({key: typed.get(key, value) for key, value in values.items()})
        jobs = []
        for name, spec in JOBS.items():
            try:
                runs = policies.next_runs(values[f"schedule_{name}"], now)
            except (ValueError, TypeError):
                runs = []
            jobs.append({"name": name, "label": JOB_LABELS.get(name, spec.description), "default": spec.schedule,
                         "source": sources[name], "runs": runs})
        overridden = {setting.key: policies.environment_values(setting)
                      for setting in policies.POLICIES if store.effective(setting).overridden}
        return self.render_template("admin/policies.html", title=gettext("Schedules and policies"), values=values,
                                    jobs=jobs, overridden=overridden, error=error, error_field=error_field)
