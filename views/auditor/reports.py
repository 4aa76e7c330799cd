"""Reports for auditors and staff: each a table and a chart, in the reader's language, printable."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.money import format_omr, format_omr_ar
from app.extensions import db
from app.services.exports import reports
from app.infrastructure.clock import today
from views.forms import user_message

SERVICE_LABELS = {
    "new_membership": _l("New membership"),
    "renewal": _l("Renewal"),
    "replacement": _l("Replacement certificate"),
    "name_change": _l("Name change"),
    "grade_change": _l("Grade change"),
}
PAYMENT_STATUS_LABELS = {
    "pending": _l("Pending"),
    "accepted": _l("Accepted"),
    "review": _l("Under review"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
    "error": _l("Error"),
    "expired": _l("Expired"),
    "superseded": _l("Superseded"),
    "duplicate": _l("Duplicate payment"),
}
REPORTS = (
    ("revenue", _l("Revenue by month and service")),
    ("renewals", _l("Renewals by grade")),
    ("expiring", _l("Memberships expiring in the next 30, 60 and 90 days")),
    ("payments", _l("Payment outcomes")),
)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    footer: list[str] | None = None
    title: str | None = None


def _arabic() -> bool:
    locale = get_locale()
    return bool(locale and locale.language == "ar")


def _money(baisa: int) -> str:
    return format_omr_ar(baisa) if _arabic() else format_omr(baisa)


def _grade_name(row) -> str:
    return row.name_ar if _arabic() else row.name_en


def _parse_day(name: str, default: dt.date) -> dt.date:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise reports.InvalidPeriod(start=request.args.get("from", ""), end=request.args.get("to", "")) from None


def _period() -> tuple[reports.Period, str | None]:
    """The period asked for (default: the last twelve months to today), or the default and why."""
    end_default = today(current_app.config)
    start_default = (end_default.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    try:
        return reports.Period(_parse_day("from", start_default), _parse_day("to", end_default)), None
    except reports.InvalidPeriod as error:
        return reports.Period(start_default, end_default), user_message(error)


def _month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return format_date(dt.date(year, number, 1), "MMMM y")


class ReportsView(BaseView):
    route_base = "/reports"
    default_view = "index"
    method_permission_name = {name: "reports" for name in ("index", "revenue", "renewals", "expiring", "payments")}

    def _page(self, key: str, tables: list[Table], chart: dict, period=None, problem=None, links=None):
        title = dict(REPORTS)[key]
        return self.render_template(
            "auditor/report.html", title=title, report=key, tables=tables, chart=chart, period=period,
            problem=problem, links=links or [], reports=REPORTS,
            generated=format_date(today(current_app.config), "long"),
        )

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("auditor/reports_index.html", title=_("Reports"), reports=REPORTS)

    @expose("/revenue")
    @has_access
    def revenue(self):
        period, problem = _period()
        months = reports.revenue_by_month(db.session, period)
        by_service = reports.revenue_by_service(db.session, period)
        services = [s for s in SERVICE_LABELS if s in by_service] + sorted(set(by_service) - set(SERVICE_LABELS))
        month_keys = sorted({m.month for m in months})
        cell = {(m.month, m.service): m.total for m in months}
        monthly = Table([_("Month"), *(str(SERVICE_LABELS.get(s, s)) for s in services), _("Total")],
                        title=_("By month"))
        for month in month_keys:
            amounts = [cell.get((month, s), 0) for s in services]
            monthly.rows.append([_month_label(month), *map(_money, amounts), _money(sum(amounts))])
        grand = sum(total for _count, total in by_service.values())
        monthly.footer = [_("Total"), *(_money(by_service[s][1]) for s in services), _money(grand)]
        per_service = Table([_("Service"), _("Paid requests"), _("Revenue")], title=_("By service"))
        for s in services:
            count, total = by_service[s]
            per_service.rows.append([str(SERVICE_LABELS.get(s, s)), str(count), _money(total)])
        per_service.footer = [_("Total"), str(sum(c for c, _t in by_service.values())), _money(grand)]
        chart = {"type": "bar", "stacked": True, "money": True,
                 "labels": [_month_label(m) for m in month_keys],
                 "datasets": [{"label": str(SERVICE_LABELS.get(s, s)),
                               "data": [cell.get((m, s), 0) for m in month_keys]} for s in services]}
        return self._page("revenue", [monthly, per_service], chart, period, problem)

    @expose("/renewals")
    @has_access
    def renewals(self):
        period, problem = _period()
        rows = reports.renewals_by_grade(db.session, period)
        table = Table([_("Grade"), _("Renewals"), _("Revenue")])
        table.rows = [[_grade_name(r), str(r.renewals), _money(r.total)] for r in rows]
        table.footer = [_("Total"), str(sum(r.renewals for r in rows)), _money(sum(r.total for r in rows))]
        chart = {"type": "bar", "labels": [_grade_name(r) for r in rows],
                 "datasets": [{"label": _("Renewals"), "data": [r.renewals for r in rows]}]}
        return self._page("renewals", [table], chart, period, problem)

    @expose("/expiring")
    @has_access
    def expiring(self):
        on = today(current_app.config)
        rows = reports.expiring_memberships(db.session, on)
        horizons = reports.EXPIRY_HORIZONS
        table = Table([_("Grade"), *(_("Within %(days)s days", days=d) for d in horizons)])
        table.rows = [[_grade_name(r), *(str(r.within[d]) for d in horizons)] for r in rows]
        table.footer = [_("Total"), *(str(sum(r.within[d] for r in rows)) for d in horizons)]
        chart = {"type": "bar", "labels": [_grade_name(r) for r in rows],
                 "datasets": [{"label": _("Within %(days)s days", days=d), "data": [r.within[d] for r in rows]}
                              for d in horizons]}
        # Each horizon opens the memberships list with the same dates as a filter (and from there, an export).
        links = [(_("Within %(days)s days", days=d), url_for(
            "MembershipView.list", _flt_1_expires_on=(on - dt.timedelta(days=1)).isoformat(),
            _flt_2_expires_on=(on + dt.timedelta(days=d + 1)).isoformat())) for d in horizons]
        return self._page("expiring", [table], chart, links=links)

    @expose("/payments")
    @has_access
    def payments(self):
        period, problem = _period()
        rows = reports.payment_outcomes(db.session, period)
        table = Table([_("Outcome"), _("Payments"), _("Amount")])
        table.rows = [[str(PAYMENT_STATUS_LABELS.get(r.status, r.status)), str(r.payments), _money(r.amount)]
                      for r in rows]
        table.footer = [_("Total"), str(sum(r.payments for r in rows)), _money(sum(r.amount for r in rows))]
        chart = {"type": "doughnut", "labels": [str(PAYMENT_STATUS_LABELS.get(r.status, r.status)) for r in rows],
                 "datasets": [{"label": _("Payments"), "data": [r.payments for r in rows]}]}
        return self._page("payments", [table], chart, period, problem)
