"""The front page: the e-services for visitors, the dashboard for members, shortcuts for staff."""
from __future__ import annotations

from flask import current_app, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_login import current_user

from app.permissions import MEMBER

SERVICES = ("new_membership", "renewal", "replacement", "name_change", "grade_change")


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        if current_user.is_authenticated and any(r.name == MEMBER for r in current_user.roles):
            if "MemberPortalView.dashboard" in current_app.view_functions:
                return redirect(url_for("MemberPortalView.dashboard"))
        self.update_redirect()
        return self.render_template(self.index_template, appbuilder=self.appbuilder, services=SERVICES)
