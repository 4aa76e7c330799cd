"""A company's page and a member account's page: everything that touched it, newest first, each linking to its record."""
from __future__ import annotations

import datetime as dt

from flask import abort
from flask_appbuilder import expose, has_access, permission_name
from flask_babel import gettext

from app.domain.labels import SERVICES as SERVICE_LABELS
from app.domain.labels import translated
from app.domain.messages import N_
from app.domain.money import format_omr
from app.domain.quotes import LINE_LABELS
from app.extensions import db
from app.infrastructure.clock import MUSCAT
from app.services.certificates.lifecycle import REVOKE_REASONS
from app.services.records.history import company_history, member_history
from views.display import sentence


def muscat(moment: dt.datetime | None) -> str:
    """A stored (naive UTC) moment in Muscat time, with the zone."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(MUSCAT).strftime("%Y-%m-%d %H:%M %Z")


def helpers() -> dict:
    return {
        "muscat": muscat, "omr": format_omr,
        "line_label": lambda kind: gettext(LINE_LABELS[kind]) if kind in LINE_LABELS else kind,
        "service_label": lambda service: gettext(SERVICE_LABELS[service]) if service in SERVICE_LABELS else service,
        "order_status": lambda status: translated("order_status", status, gettext),
        "revoke_reason": lambda reason: gettext(REVOKE_REASONS[reason]) if reason in REVOKE_REASONS else "",
        "flag_label": lambda kind: translated("registry_flag", kind, gettext),
        "payment_status": lambda status: translated("payment_status", status, gettext),
    }


class CompanyHistory:
    """Mixed into CompanyView: /companyview/history/<pk> (permission can_show)."""

    @expose("/history/<int:pk>")
    @has_access
    @permission_name("show")
    def history(self, pk: int):
        found = company_history(db.session, pk)
        if found is None:
            abort(404)
        company = found.company
        title = sentence(N_("Company %(cr_number)s: everything on file"), cr_number=company.cr_number)
        return self.render_template("admin/history.html", history=found, title=title, **helpers())


class MemberHistory:
    """Mixed into MemberView: /memberview/history/<pk> (permission can_show)."""

    @expose("/history/<int:pk>")
    @has_access
    @permission_name("show")
    def history(self, pk: int):
        found = member_history(db.session, pk)
        if found is None:
            abort(404)
        title = sentence(N_("Member account %(name)s: everything on file"), name=found.member.first_name)
        return self.render_template("admin/history.html", history=found, title=title, **helpers())
