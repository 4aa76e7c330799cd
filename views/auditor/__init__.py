"""The auditor's screens: exports of any list, the audit trail check and the reports."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l


def register(appbuilder: AppBuilder) -> None:
    from views.auditor.audit import AuditVerifyView, can_verify_audit
    from views.auditor.exports import ExportView, export_links
    from views.auditor.reports import ReportsView

    appbuilder.add_view_no_menu(ExportView)
    appbuilder.add_view_no_menu(AuditVerifyView)
    appbuilder.add_view(ReportsView, "Reports", label=_l("Reports"), icon="fa-bar-chart",
                        category="Reports", category_label=_l("Reports"))
    current_app.jinja_env.globals.update(export_links=export_links, can_verify_audit=can_verify_audit)
