"""New membership registration: a CR the registry lists under the member, identity check, company data, pay."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.domain.vouchers import normalise_voucher_code
from app.extensions import db
from app.services.membership.quotes import RequestPlan, plan_new_membership
from app.services.membership.access import member_company
from views.selfservice.wizard import ServiceWizard, clock_today, grace_days, local_name


class SelfServiceNewMembershipView(ServiceWizard):
    route_base = "/services/new-membership"
    service = "new_membership"
    details_template = "selfservice/new_membership_details.html"

    def subject(self, member):
        company = member_company(db.session, member, self.state.get("cr") or "")
        return (company, None) if company is not None else None

    def plan(self, company, membership, voucher_code=None) -> RequestPlan:
        voucher_code = voucher_code if voucher_code is not None else self.state.get("voucher")
        return plan_new_membership(db.session, company, today=clock_today(), grace_days=grace_days(),
                                   voucher_code=voucher_code)

    def save_details(self, form, company, membership) -> str:
        voucher = (form.get("voucher_code") or "").strip()
        if voucher:
            voucher = normalise_voucher_code(voucher)
        self.plan(company, None, voucher)
        self.state.update(voucher=voucher)
        return url_for(".check")

    def summary_rows(self, plan: RequestPlan) -> list[tuple]:
        company = plan.company
        return [
            (_l("CR number"), company.cr_number),
            (_l("Grade"), local_name(company.registry_grade)),
            (_l("Date of joining"), plan.details["joined_on"]),
            *([(_l("Voucher code"), plan.voucher.code)] if plan.voucher else []),
        ]
