"""Staff revoke a certificate (with a reason) or reissue one for its membership, from the certificate's page."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_appbuilder import expose, has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.messages import N_
from app.extensions import db
from app.infrastructure.clock import now_utc, today
from app.services.certificates.lifecycle import REVOKE_REASONS, STAFF_REVOKE_REASONS, reissue, revoke
from app.services.membership.refusals import REFUSALS
from models import Certificate
from views.display import sentence
from views.forms import no_markup, user_message


class RevokeForm(FlaskForm):
    reason = SelectField(_l("Reason"), validators=[DataRequired()],
                         choices=[(key, _l(REVOKE_REASONS[key])) for key in STAFF_REVOKE_REASONS])
    note = TextAreaField(_l("Details (required for “Other”)"), validators=[Optional(), Length(max=300), no_markup])


class CertificateLifecycleActions:
    """Mixed into CertificateView; guarded by can_revoke and can_reissue (Staff and Admin)."""

    def _certificate(self, pk: int) -> Certificate:
        certificate = db.session.get(Certificate, pk)
        if certificate is None:
            abort(404)
        return certificate

    @expose("/revoke/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("revoke")
    def revoke(self, pk: int):
        certificate = self._certificate(pk)
        form = RevokeForm()
        if form.validate_on_submit():
            config = current_app.config
            try:
                revoke(db.session, certificate, reason=form.reason.data, note=form.note.data, now=now_utc(config))
                db.session.commit()
            except REFUSALS as refusal:
                db.session.rollback()
                flash(user_message(refusal), "warning")
            else:
                flash(gettext("Certificate %(serial)s was revoked.", serial=certificate.serial), "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("admin/certificate_revoke.html", certificate=certificate, form=form,
                                    title=sentence(N_("Revoke certificate %(serial)s"), serial=certificate.serial))

    @expose("/reissue/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("reissue")
    def reissue(self, pk: int):
        certificate = self._certificate(pk)
        form = FlaskForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            new = reissue(db.session, certificate.membership, today=today(current_app.config))
            db.session.commit()
        except REFUSALS as refusal:
            db.session.rollback()
            flash(user_message(refusal), "warning")
            return redirect(url_for(".show", pk=pk))
        flash(gettext("Certificate %(serial)s was issued.", serial=new.serial), "success")
        return redirect(url_for(".show", pk=new.id))
