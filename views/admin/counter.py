"""The counter: staff start any of the five services for a company, check the civil ID card, take payment,
print the receipt; the daily cash-up, printable and exportable, closed once a day."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access, permission_name
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.domain.labels import FEE_LINES as LINE_LABELS
from app.domain.labels import translated
from app.domain.messages import N_
from app.domain.money import format_omr, format_ro
from app.extensions import db
from app.infrastructure.clock import now_utc, today
from app.services.counter import cash_up, documents, settlement, visits
from app.services.membership.refusals import REFUSALS
from app.services.payments.engine import is_stale
from app.services.settings import policies
from models import Certificate, Company, CounterPayment, CounterVisit, ServiceOrder
from views.admin.counter_forms import METHOD_CHOICES, CounterPaymentForm, StartServiceForm
from views.admin.history import muscat
from views.display import sentence
from views.forms import user_message


def _staff() -> tuple[int, str]:
    return g.user.id, g.user.username


def _order(reference: str) -> ServiceOrder:
    order = db.session.scalar(select(ServiceOrder).where(ServiceOrder.reference == reference))
    if order is None:
        abort(404)
    return order


def _request_from(form: StartServiceForm) -> visits.CounterRequest:
    return visits.CounterRequest(
        service=form.service.data, civil_id=form.civil_id.data or "", id_card_checked=bool(form.id_card_checked.data),
        membership_id=int(form.membership.data) if (form.membership.data or "").isdigit() else None,
        months=int(form.months.data) if (form.months.data or "").isdigit() else None,
        voucher_code=form.voucher.data or None, email=form.email.data or None, mobile=form.mobile.data or None,
        language=form.language.data or "ar")


class CounterView(BaseView):
    route_base = "/counter"
    default_view = "cash_up"
    base_permissions = ["can_serve", "can_cash_up", "can_close_day"]

    def _helpers(self) -> dict:
        return {"format_ro": format_ro, "omr": format_omr, "line_labels": LINE_LABELS, "muscat": muscat,
                "method_labels": dict(METHOD_CHOICES),
                "order_status": lambda status: translated("order_status", status, gettext)}

    @expose("/company/<int:company_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("serve")
    def start(self, company_id: int):
        company = db.session.get(Company, company_id)
        if company is None:
            abort(404)
        form = StartServiceForm()
        form.membership.choices = [("", "-")] + [
            # An option holds no markup: its number and date are kept apart by Unicode isolates.
            (str(m.id), f"\u2066{m.occi_number}\u2069 · {m.grade} · \u2066{m.expires_on.isoformat()}\u2069")
            for m in visits.counter_memberships(company)]
        plan = None
        if form.validate_on_submit():
            config = current_app.config
            counter_request = _request_from(form)
            try:
                visits.check_civil_id(company, counter_request)
                cap = int(config["MAX_PAID_AHEAD_MONTHS"])
                plan = visits.plan(db.session, company, counter_request, today=today(config),
                                   grace_days=policies.grace_days(config), max_paid_ahead_months=cap)
                if request.form.get("confirm") and form.fingerprint.data:
                    staff_id, staff_name = _staff()
                    _visit, order = visits.start_at_counter(
                        db.session, company, counter_request, staff_id=staff_id, staff_name=staff_name,
                        today=today(config), now=now_utc(config), grace_days=policies.grace_days(config),
                        ttl_minutes=policies.order_ttl_minutes(config), seen_fingerprint=form.fingerprint.data,
                        max_paid_ahead_months=cap)
                    if order.status == "pending_payment":
                        return redirect(url_for(".pay", reference=order.reference))
                    return redirect(url_for(".order", reference=order.reference))
            except REFUSALS as refusal:
                db.session.rollback()
                flash(user_message(refusal), "warning")
                plan = None
            else:
                form.fingerprint.data = plan.fingerprint
        return self.render_template("counter/start.html", company=company, form=form, plan=plan,
                                    title=sentence(N_("Serve %(cr_number)s at the counter"), cr_number=company.cr_number),
                                    **self._helpers())

    @expose("/order/<string:reference>/pay", methods=["GET", "POST"])
    @has_access
    @permission_name("serve")
    def pay(self, reference: str):
        order = _order(reference)
        form = CounterPaymentForm()
        if order.status == "pending_payment" and form.validate_on_submit():
            config = current_app.config
            staff_id, staff_name = _staff()
            details = settlement.CounterPaymentDetails(
                method=form.method.data, cheque_number=form.cheque_number.data or "", bank=form.bank.data or "",
                transfer_reference=form.transfer_reference.data or "",
                terminal_reference=form.terminal_reference.data or "", card_last4=form.card_last4.data or "")
            try:
                settlement.take_payment(db.session, order, details, staff_id=staff_id, staff_name=staff_name,
                                        now=now_utc(config), today=today(config))
            except REFUSALS as refusal:
                db.session.rollback()
                flash(user_message(refusal), "warning")
            else:
                flash(gettext("Payment recorded for request %(reference)s.", reference=reference), "success")
                return redirect(url_for(".order", reference=reference))
        stale = is_stale(order, now_utc(current_app.config))
        return self.render_template("counter/pay.html", order=order, form=form, stale=stale,
                                    title=sentence(N_("Payment for request %(reference)s"), reference=reference),
                                    **self._helpers())

    @expose("/order/<string:reference>")
    @has_access
    @permission_name("serve")
    def order(self, reference: str):
        order = _order(reference)
        counter = db.session.scalar(select(CounterPayment).where(CounterPayment.order_id == order.id)
                                    .order_by(CounterPayment.id.desc()))
        visit = db.session.scalar(select(CounterVisit).where(CounterVisit.order_id == order.id))
        certificate = db.session.scalar(select(Certificate).where(Certificate.order_id == order.id))
        return self.render_template("counter/order.html", order=order, counter=counter, visit=visit,
                                    certificate=certificate, form=FlaskForm(),
                                    title=sentence(N_("Request %(reference)s"), reference=reference), **self._helpers())

    @expose("/order-id/<int:pk>")
    @has_access
    @permission_name("serve")
    def order_by_id(self, pk: int):
        order = db.session.get(ServiceOrder, pk)
        if order is None:
            abort(404)
        return redirect(url_for(".order", reference=order.reference))

    @expose("/order/<string:reference>/receipt.pdf")
    @has_access
    @permission_name("serve")
    def receipt(self, reference: str):
        order = _order(reference)
        counter = db.session.scalar(select(CounterPayment).where(CounterPayment.order_id == order.id))
        if counter is None:
            abort(404)
        paper = request.args.get("paper", "a4")
        if paper not in documents.PAPERS:
            abort(404)
        return Response(documents.receipt_pdf(counter, paper), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="receipt-{order.reference}-{paper}.pdf"'})

    def _day(self) -> dt.date:
        try:
            return dt.date.fromisoformat(request.args.get("day") or request.form.get("day") or "")
        except ValueError:
            return today(current_app.config)

    @expose("/cash-up")
    @has_access
    @permission_name("cash_up")
    def cash_up(self):
        day = self._day()
        sheet = cash_up.day_sheet(db.session, day)
        if request.args.get("format") == "csv":
            labels = {key: str(label) for key, label in METHOD_CHOICES}
            headings = [gettext("Day"), gettext("Staff"), gettext("Payment method"), gettext("Service request"),
                        gettext("Amount (OMR)")]
            return Response(cash_up.sheet_csv(sheet, labels, headings), mimetype="text/csv", headers={
                "Content-Disposition": f'attachment; filename="cash-up-{day.isoformat()}.csv"'})
        return self.render_template("counter/cash_up.html", sheet=sheet, day=day, form=FlaskForm(),
                                    title=sentence(N_("Cash-up of %(day)s"), day=day), **self._helpers())

    @expose("/cash-up/close", methods=["POST"])
    @has_access
    @permission_name("close_day")
    def close_day(self):
        if not FlaskForm().validate_on_submit():
            abort(400)
        day = self._day()
        staff_id, staff_name = _staff()
        try:
            cash_up.close_day(db.session, day, staff_id=staff_id, staff_name=staff_name,
                              now=now_utc(current_app.config))
        except REFUSALS as refusal:
            db.session.rollback()
            flash(user_message(refusal), "warning")
        else:
            flash(gettext("The cash-up of %(day)s is closed.", day=day.isoformat()), "success")
        return redirect(url_for(".cash_up", day=day.isoformat()))
