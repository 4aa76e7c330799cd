"""The e-services dashboard: a greeting and the five services."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.accounts import verification_codes
from app.services.accounts.member_names import greeting_name
from views.display import language as page_language
from views.selfservice.home import dashboard_sections_context


@dataclass(frozen=True)
class ServiceCard:
    title: object
    description: object
    url: str
    icon: str


# The services themselves are built by the self-service views at these addresses.
SERVICES = (
    ServiceCard(_l("New membership registration"),
                _l("Register a company listed under your ID number at the Ministry of Commerce."),
                "/services/new-membership/", "fa-plus-square"),
    ServiceCard(_l("Membership renewal"), _l("Renew a membership for one year, eighteen months or two years."),
                "/services/renewal/", "fa-refresh"),
    ServiceCard(_l("Extract your certificate"), _l("Get a replacement of a lost membership certificate."),
                "/services/replacement/", "fa-certificate"),
    ServiceCard(_l("Change name"), _l("Take over the new company name registered at the Ministry."),
                "/services/name-change/", "fa-pencil"),
    ServiceCard(_l("Change grade"), _l("Take over the grade the Ministry gave the company."),
                "/services/grade-change/", "fa-signal"),
)


class MemberPortalView(BaseView):
    route_base = "/portal"
    default_view = "dashboard"

    @expose("/")
    @has_access
    def dashboard(self):
        member = verification_codes.member_of(db.session, g.user.id)
        name = (greeting_name(db.session, member, page_language()) if member is not None
                else g.user.get_full_name())
        # The member's companies, memberships, requests and certificates (views.selfservice).
        sections = dashboard_sections_context(member) if member is not None else {}
        return self.render_template("portal/dashboard.html", member=member, name=name, services=SERVICES,
                                    title=gettext("E-services dashboard"), **sections)
