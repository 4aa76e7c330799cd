"""Staff's "Send reminder now" on a membership's page (permission can_remind)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_appbuilder import expose, has_access, permission_name
from flask_babel import gettext
from flask_wtf import FlaskForm

from app.extensions import db
from app.services.membership.refusals import REFUSALS
from app.services.notifications.reminders import remind_now
from models import Membership
from views.forms import user_message


class RemindNow:
    """Mixed into MembershipView."""

    @expose("/remind/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("remind")
    def remind(self, pk: int):
        membership = db.session.get(Membership, pk)
        if membership is None:
            abort(404)
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            queued = remind_now(db.session, membership, current_app.config)
        except REFUSALS as refusal:
            db.session.rollback()
            flash(user_message(refusal), "warning")
        else:
            flash(gettext("Reminder messages queued: %(count)d.", count=queued), "success")
        return redirect(url_for(".show", pk=pk))
