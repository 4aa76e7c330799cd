"""Export buttons on back-office lists and the view that streams what a list shows as CSV or XLSX."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, stream_with_context, url_for
from flask_appbuilder import BaseView, ModelView, expose, has_access
from flask_appbuilder.exceptions import ApplyFilterException
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.exports.errors import ExportError
from app.services.exports.export import ExportRequest, open_export
from views.forms import user_message

# Back-office lists (by view class) and the export each one feeds.
EXPORTABLE_VIEWS = {
    "MemberView": "members",
    "CompanyView": "companies",
    "SignatoryView": "signatories",
    "MembershipView": "memberships",
    "FeeScheduleView": "fee_schedules",
    "GradeFeeView": "grade_fees",
    "VoucherView": "vouchers",
    "ServiceOrderView": "orders",
    "OrderLineView": "order_lines",
    "PaymentView": "payments",
    "CertificateView": "certificates",
    "NotificationView": "notifications",
    "JobRunView": "job_runs",
    "AuditLogView": "audit_log",
    "GradeView": "grades",
    "GovernorateView": "governorates",
}
FORMAT_LABELS = {"csv": _l("Export CSV"), "xlsx": _l("Export Excel")}


def _list_view(name: str) -> ModelView | None:
    for view in current_app.appbuilder.baseviews:
        if isinstance(view, ModelView) and view.__class__.__name__ == name:
            return view
    return None


def export_links() -> list[tuple[str, str, str]]:
    """(format, label, url) for the list on screen, with its filters and order; empty if not allowed."""
    name = request.blueprint
    if name not in EXPORTABLE_VIEWS or not request.endpoint or not request.endpoint.endswith(".list"):
        return []
    security = current_app.appbuilder.sm
    if not security.has_access("can_export", "ExportView"):
        return []
    args = {key: values for key, values in request.args.lists() if not key.startswith(("page_", "psize_"))}
    return [(fmt, str(label), url_for("ExportView.export", list_name=name, fmt=fmt, **args))
            for fmt, label in FORMAT_LABELS.items()]


class ExportView(BaseView):
    """Streams a back-office list, filtered and ordered as on screen, as a file."""

    route_base = "/export"
    default_view = "export"

    @expose("/<list_name>/<fmt>/")
    @has_access
    def export(self, list_name: str, fmt: str):
        entity = EXPORTABLE_VIEWS.get(list_name)
        view = _list_view(list_name) if entity else None
        if view is None:
            abort(404)
        if not self.appbuilder.sm.has_access("can_list", list_name):
            abort(403)
        # A fresh filter set, parsed exactly as the list parses its own arguments.
        filters = view.datamodel.get_filters(view.search_columns)
        get_filter_args(filters)
        joined = filters.get_joined_filters(view._base_filters)
        order = get_order_args().get(list_name) or view.base_order
        locale = get_locale()
        export_request = ExportRequest(
            entity=entity, fmt=fmt, language=locale.language if locale else "en",
            criteria=joined.apply_all,
            # The log keeps each filter as FAB's URL does (column, operation code, values): language-free.
            filter_summary=[(f.column_name, f.arg_name, value) for f, value in filters.get_filters_values()],
            order_by=tuple(order) if order else None,
        )
        back = url_for(f"{list_name}.list", **request.args.to_dict(flat=False))
        try:
            export = open_export(db.session, export_request, current_app.config)
        except ExportError as error:
            flash(user_message(error), "danger")
            return redirect(back)
        except ApplyFilterException:
            abort(400)
        response = Response(stream_with_context(export.chunks()), content_type=export.mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response.headers["Cache-Control"] = "no-store"
        # Tell a buffering proxy (nginx) to pass the stream on as it comes.
        response.headers["X-Accel-Buffering"] = "no"
        return response
