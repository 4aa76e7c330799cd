"""Refunds in the back office: staff ask for one on a paid request; a second person with the Admin role
approves or rejects it (never the one who asked); the credit note is printed from here."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access, permission_name
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.labels import FEE_LINES as LINE_LABELS
from app.domain.labels import translated
from app.domain.messages import N_
from app.extensions import db
from app.infrastructure.clock import now_utc, today
from app.services.counter.documents import credit_note_pdf
from app.services.membership.refusals import REFUSALS
from app.services.payments.gateway import payment_gateway
from app.services.refunds.execution import approve_refund, gateway_factory
from app.services.refunds.requests import (
    duplicate_charges, left_to_refund, reject_refund, request_refund, settled_payment,
)
from models import Refund, ServiceOrder
from views.admin.base import ReadOnlyModelView, omr
from views.admin.records import pretty_json
from views.admin.scale import ORDER_LOOKUPS
from views.display import sentence
from views.forms import no_markup, user_message

def status_label(status) -> str:
    return translated("refund_status", status, gettext)


Refund.status_label = property(lambda refund: status_label(refund.status))


class RefundRequestForm(FlaskForm):
    scope = RadioField(_l("What to refund"), choices=[("full", _l("The whole amount paid")),
                                                      ("lines", _l("The fee lines chosen below")),
                                                      ("duplicate", _l("A card payment taken twice, chosen below"))],
                       default="full")
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500), no_markup])


class RefundDecisionForm(FlaskForm):
    payout_method = SelectField(_l("Paid back"), choices=[("", "-"), ("cash", _l("In cash")),
                                                           ("transfer", _l("By bank transfer"))],
                                validators=[Optional()])
    payout_reference = StringField(_l("Transfer reference"), validators=[Optional(), Length(max=60), no_markup])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=300), no_markup])


class RefundView(ReadOnlyModelView):
    list_title = _l("Refunds")
    show_title = _l("Refund")
    datamodel = SQLAInterface(Refund)
    base_permissions = ["can_list", "can_show", "can_download", "can_request_refund", "can_approve_refund"]
    show_template = "admin/refund_show.html"
    list_columns = ["reference", "order", "amount", "status_label", "requested_by", "requested_at", "decided_by"]
    search_columns = ["reference", "order", "status", "requested_by", "decided_by", "requested_at"]
    search_lookups = {"order": ORDER_LOOKUPS}
    show_columns = ["reference", "order", "payment", "amount", "currency", "scope", "line_ids", "reason",
                    "status_label", "requested_by", "requested_at", "decided_by", "decided_at", "decision_note",
                    "method", "payout_reference", "gateway_refund_id", "attempts", "last_attempt_at", "last_error",
                    "refunded_at", "credit_note_number", "rollback"]
    label_columns = {
        "reference": _l("Refund"), "order": _l("Service request"), "payment": _l("Payment"), "amount": _l("Amount"),
        "currency": _l("Currency"), "scope": _l("What to refund"), "line_ids": _l("Fee lines"),
        "reason": _l("Reason"), "status": _l("Status"), "status_label": _l("Status"),
        "requested_by": _l("Requested by"), "requested_at": _l("Requested"), "decided_by": _l("Decided by"),
        "decided_at": _l("Decided"), "decision_note": _l("Note"), "method": _l("Paid back"),
        "payout_reference": _l("Transfer reference"), "gateway_refund_id": _l("Gateway refund"),
        "attempts": _l("Attempts"), "last_attempt_at": _l("Last attempt"), "last_error": _l("Last error"),
        "refunded_at": _l("Refunded at"), "credit_note_number": _l("Credit note"), "rollback": _l("Undone"),
    }
    formatters_columns = {"amount": omr, "rollback": pretty_json}

    def _refund(self, pk: int) -> Refund:
        refund = db.session.get(Refund, pk)
        if refund is None:
            abort(404)
        return refund

    @expose("/request/<int:order_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("request_refund")
    def request_refund(self, order_id: int):
        order = db.session.get(ServiceOrder, order_id)
        if order is None:
            abort(404)
        form = RefundRequestForm()
        if form.validate_on_submit():
            line_ids, duplicate = None, None
            if form.scope.data == "lines":
                line_ids = [int(value) for value in request.form.getlist("line") if value.isdigit()]
            elif form.scope.data == "duplicate":
                chosen = request.form.get("duplicate_payment", "")
                duplicate = int(chosen) if chosen.isdigit() else -1
            try:
                refund = request_refund(db.session, order, line_ids=line_ids, reason=form.reason.data,
                                        staff_id=g.user.id, staff_name=g.user.username,
                                        now=now_utc(current_app.config), duplicate_payment_id=duplicate)
            except REFUSALS as refusal:
                db.session.rollback()
                flash(user_message(refusal), "warning")
            else:
                flash(gettext("Refund %(reference)s was requested; another administrator must approve it.",
                              reference=refund.reference), "success")
                return redirect(url_for(".show", pk=refund.id))
        return self.render_template("admin/refund_request.html", order=order, form=form,
                                    left=left_to_refund(db.session, order), payment=settled_payment(order),
                                    duplicates=duplicate_charges(db.session, order),
                                    line_labels=LINE_LABELS, omr=omr,
                                    title=sentence(N_("Refund for request %(reference)s"), reference=order.reference))

    @expose("/approve/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("approve_refund")
    def approve(self, pk: int):
        refund = self._refund(pk)
        form = RefundDecisionForm()
        if not form.validate_on_submit():
            abort(400)
        config = current_app.config
        try:
            status = approve_refund(
                db.session, refund, admin_id=g.user.id, admin_name=g.user.username, now=now_utc(config),
                today=today(config), gateway_for=gateway_factory(config, payment_gateway()),
                payout_method=form.payout_method.data or None, payout_reference=form.payout_reference.data,
                note=form.note.data)
        except REFUSALS as refusal:
            db.session.rollback()
            flash(user_message(refusal), "warning")
        else:
            category = "success" if status == "refunded" else "warning"
            flash(gettext("Refund %(reference)s: %(status)s.", reference=refund.reference,
                          status=status_label(status)), category)
        return redirect(url_for(".show", pk=pk))

    @expose("/reject/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("approve_refund")
    def reject(self, pk: int):
        refund = self._refund(pk)
        form = RefundDecisionForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            reject_refund(db.session, refund, admin_id=g.user.id, admin_name=g.user.username, note=form.note.data,
                          now=now_utc(current_app.config))
        except REFUSALS as refusal:
            db.session.rollback()
            flash(user_message(refusal), "warning")
        else:
            flash(gettext("Refund %(reference)s was rejected.", reference=refund.reference), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/credit-note/<int:pk>.pdf")
    @has_access
    @permission_name("download")
    def credit_note(self, pk: int):
        refund = self._refund(pk)
        if refund.status != "refunded":
            abort(404)
        return Response(credit_note_pdf(refund), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="credit-note-{refund.credit_note_number}.pdf"'})
