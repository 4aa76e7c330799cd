"""Membership renewal: CR, OCCI number, identity check, company data, period and voucher, check, pay."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.domain.quotes import RENEWAL_PERIODS
from app.domain.vouchers import normalise_voucher_code
from app.extensions import db
from app.services.membership.quotes import RequestPlan, plan_renewal
from app.services.membership.refusals import REFUSALS
from views.forms import user_message
from views.selfservice.wizard import MembershipServiceWizard, clock_today, grace_days


class SelfServiceRenewalView(MembershipServiceWizard):
    route_base = "/services/renewal"
    service = "renewal"
    details_template = "selfservice/renewal_details.html"

    def plan(self, company, membership, months=None, voucher_code=None) -> RequestPlan:
        months = months if months is not None else self.state.get("months")
        voucher_code = voucher_code if voucher_code is not None else self.state.get("voucher")
        return plan_renewal(db.session, membership, months, today=clock_today(), grace_days=grace_days(),
                            voucher_code=voucher_code)

    def eligibility(self, company, membership):
        return None  # any membership may be renewed; the period page shows the prices

    def save_details(self, form, company, membership) -> str:
        return url_for(".period")

    def back_from_check(self) -> str:
        return url_for(".period")

    def summary_rows(self, plan: RequestPlan) -> list[tuple]:
        return [
            *self.membership_rows(plan),
            (_l("Renewal period"), _l(RENEWAL_PERIODS[plan.period_months])),
            *([(_l("Voucher code"), plan.voucher.code)] if plan.voucher else []),
        ]

    @expose("/period", methods=["GET", "POST"])
    @has_access
    def period(self):
        (_, company, membership), elsewhere = self.checked_subject(".period")
        if elsewhere is not None:
            return elsewhere
        months = self.state.get("months") or 12
        voucher = self.state.get("voucher") or ""
        error = None
        if request.method == "POST":
            try:
                months = int(request.form.get("months", ""))
            except ValueError:
                abort(400)
            if months not in RENEWAL_PERIODS:
                abort(400)
            voucher = (request.form.get("voucher_code") or "").strip()
            try:
                if voucher:
                    voucher = normalise_voucher_code(voucher)
                self.plan(company, membership, months, voucher)
            except REFUSALS as problem:
                error = user_message(problem)
            else:
                self.state.update(months=months, voucher=voucher)
                if request.form.get("step") == "continue":
                    return redirect(url_for(".check"))
        options = []
        for choice in RENEWAL_PERIODS:
            try:
                plan = self.plan(company, membership, choice, voucher if error is None else "")
            except REFUSALS as problem:
                error = error or user_message(problem)
                plan = self.plan(company, membership, choice, "")
            options.append((choice, _l(RENEWAL_PERIODS[choice]), plan))
        return self.page("selfservice/renewal_period.html", 200 if error is None else 422, company=company,
                         membership=membership, options=options, months=months, voucher=voucher, error=error,
                         back_url=url_for(".details"))
