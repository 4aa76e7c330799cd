"""Change grade: CR, OCCI number, identity check, registry grade beside the chamber's, new expiry, fee, pay."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.membership.quotes import RequestPlan, plan_grade_change
from app.services.membership.refusals import REFUSALS
from views.selfservice.wizard import MembershipServiceWizard, clock_today, iso, local_name


class SelfServiceGradeChangeView(MembershipServiceWizard):
    route_base = "/services/grade-change"
    service = "grade_change"
    details_template = "selfservice/grade_change_details.html"

    def plan(self, company, membership) -> RequestPlan:
        return plan_grade_change(db.session, membership, today=clock_today())

    def details_context(self, company, membership) -> dict:
        try:
            plan = self.plan(company, membership)
        except REFUSALS:
            plan = None
        return {"plan": plan}

    def summary_rows(self, plan: RequestPlan) -> list[tuple]:
        membership, company = plan.membership, plan.company
        return [
            (_l("CR number"), company.cr_number),
            (_l("OCCI number"), membership.occi_number),
            (_l("Current grade"), local_name(membership.grade)),
            (_l("New grade"), local_name(company.registry_grade)),
            (_l("Expiry date"), iso(membership.expires_on)),
        ]
