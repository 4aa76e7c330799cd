"""The member's companies, memberships, requests and certificates on the e-services dashboard."""
from __future__ import annotations

from flask import g, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.extensions import db
from app.services.membership.access import dashboard_context
from views.selfservice.wizard import clock_today, grace_days, template_helpers


def dashboard_sections_context(member) -> dict:
    """What `selfservice/_dashboard_sections.html` needs; the member portal's dashboard can include it."""
    return {
        **template_helpers(),
        "selfservice": dashboard_context(db.session, member, user_id=g.user.id, today=clock_today(),
                                         grace_days=grace_days()),
    }


class SelfServiceView(BaseView):
    """/services/: the e-services dashboard lives in the member portal."""

    route_base = "/services"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return redirect(url_for("MemberPortalView.dashboard"))
