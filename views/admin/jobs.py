"""Admin runs any scheduled job now from the back office (permission can_run_job) and sees its result."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from app.extensions import db
from app.infrastructure.clock import MUSCAT
from app.services.audit import trail as audit
from app.services.jobs.runs import last_runs
from app.services.settings.policies import job_schedules
from jobs.scheduler import JOBS, UnknownJob, run_now

JOB_LABELS = {
    "reminders": _l("Membership expiry reminders by email and SMS"),
    "registry_sync": _l("Companies and signatories changed at the commercial registry"),
    "registry_full_sync": _l("Full import of the commercial registry"),
    "reconcile_payments": _l("Ask the payment gateway about orders left pending, retry refunds pending at the gateway"),
    "outbox": _l("Send queued emails and SMS, retrying failures with backoff"),
}


def muscat_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(MUSCAT).strftime("%Y-%m-%d %H:%M %Z")


class ScheduledJobsView(BaseView):
    route_base = "/scheduled-jobs"
    default_view = "index"
    base_permissions = ["can_list", "can_run_job"]

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        plan = job_schedules(current_app.config)
        last = last_runs(list(JOBS))
        rows = [{"name": name, "label": JOB_LABELS.get(name, spec.description), "schedule": plan[name],
                 "last": last.get(name)} for name, spec in JOBS.items()]
        return self.render_template("admin/scheduled_jobs.html", rows=rows, title=gettext("Scheduled jobs"),
                                    muscat_time=muscat_time)

    @expose("/run/<string:name>", methods=["POST"])
    @has_access
    @permission_name("run_job")
    def run(self, name: str):
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            result = run_now(current_app._get_current_object(), name, trigger="back_office")
        except UnknownJob:
            abort(404)
        # Who pressed the button (the run itself is attributed to the job).
        audit.record(db.session, "run_job", "job_run", str(result.run_id), {"job": name, "status": result.status})
        db.session.commit()
        label = JOB_LABELS.get(name, name)
        if result.status == "ok":
            counts = ", ".join(f"{key}: {value}" for key, value in result.counts.items())
            flash(gettext("%(job)s: done (%(counts)s).", job=label, counts=counts or "-"), "success")
        elif result.status == "skipped":
            flash(gettext("%(job)s was not run: another run holds its lock.", job=label), "warning")
        else:
            flash(gettext("%(job)s failed; the error is in the job run's record.", job=label), "danger")
        return redirect(url_for("JobRunView.show", pk=result.run_id))
