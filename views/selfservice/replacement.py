"""Extract your certificate (a replacement for a lost one): CR, OCCI number, identity check, data, fee, pay."""
from __future__ import annotations

from app.extensions import db
from app.services.membership.quotes import RequestPlan, plan_replacement
from views.selfservice.wizard import MembershipServiceWizard, clock_today


class SelfServiceReplacementView(MembershipServiceWizard):
    route_base = "/services/replacement"
    service = "replacement"
    details_template = "selfservice/replacement_details.html"

    def plan(self, company, membership) -> RequestPlan:
        return plan_replacement(db.session, membership, today=clock_today())

    def summary_rows(self, plan: RequestPlan) -> list[tuple]:
        return self.membership_rows(plan)
