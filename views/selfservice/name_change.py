"""Change name: CR, OCCI number, identity check, the chamber's names beside the registry's, fee, pay."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.membership.quotes import RequestPlan, plan_name_change
from views.selfservice.wizard import MembershipServiceWizard, clock_today, grace_days


class SelfServiceNameChangeView(MembershipServiceWizard):
    route_base = "/services/name-change"
    service = "name_change"
    details_template = "selfservice/name_change_details.html"

    def plan(self, company, membership) -> RequestPlan:
        return plan_name_change(db.session, membership, today=clock_today(), grace_days=grace_days())

    def summary_rows(self, plan: RequestPlan) -> list[tuple]:
        details = plan.details
        return [
            (_l("CR number"), plan.company.cr_number),
            (_l("OCCI number"), plan.membership.occi_number),
            (_l("Current name (English)"), details["old_name_en"]),
            (_l("Current name (Arabic)"), details["old_name_ar"]),
            (_l("New name (English)"), details["new_name_en"]),
            (_l("New name (Arabic)"), details["new_name_ar"]),
        ]
