"""Back-office screens for chamber staff, administrators and auditors."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l


def register(appbuilder: AppBuilder) -> None:
    from views.admin import chamber, companies, counter, duplicates, fee_schedule_editor, fee_schedules, jobs, members
    from views.admin import chamber_settings, message_texts, records, refunds, registry_flags, vouchers

    for view, name, label, category, icon in (
        (chamber.GradeView, "Grades", _l("Grades"), "Chamber", "fa-signal"),
        (chamber.GovernorateView, "Governorates", _l("Governorates"), "Chamber", "fa-map-marker"),
        (fee_schedules.FeeScheduleView, "Fee schedules", _l("Fee schedules"), "Chamber", "fa-money"),
        (vouchers.VoucherView, "Vouchers", _l("Vouchers"), "Chamber", "fa-ticket"),
        (message_texts.MessageTextView, "Message texts", _l("Message texts"), "Chamber", "fa-envelope-o"),
        (chamber_settings.ChamberDetailsView, "Chamber details", _l("Chamber details"), "Chamber", "fa-university"),
        (chamber_settings.PoliciesView, "Schedules and policies", _l("Schedules and policies"), "Chamber",
         "fa-calendar"),
        (companies.CompanyView, "Companies", _l("Companies"), "Members", "fa-building"),
        (members.MemberView, "Member accounts", _l("Member accounts"), "Members", "fa-user"),
        (companies.MembershipView, "Memberships", _l("Memberships"), "Members", "fa-id-card"),
        (records.CertificateView, "Certificates", _l("Certificates"), "Members", "fa-certificate"),
        (records.ServiceOrderView, "Service requests", _l("Service requests"), "Payments", "fa-shopping-cart"),
        (records.PaymentView, "Payments", _l("Payments"), "Payments", "fa-credit-card"),
        (duplicates.DuplicatePaymentView, "Duplicate payments", _l("Duplicate payments"), "Payments", "fa-clone"),
        (refunds.RefundView, "Refunds", _l("Refunds"), "Payments", "fa-undo"),
        (counter.CounterView, "Cash-up", _l("Cash-up"), "Payments", "fa-money"),
        (records.CounterVisitView, "Counter visits", _l("Counter visits"), "Payments", "fa-user"),
        (records.NotificationView, "Notifications", _l("Notifications"), "Operations", "fa-envelope"),
        (records.JobRunView, "Job runs", _l("Job runs"), "Operations", "fa-clock-o"),
        (jobs.ScheduledJobsView, "Scheduled jobs", _l("Scheduled jobs"), "Operations", "fa-play-circle"),
        (registry_flags.RegistryFlagView, "Registry flags", _l("Registry flags"), "Operations", "fa-flag"),
        (records.AuditLogView, "Audit log", _l("Audit log"), "Audit", "fa-history"),
    ):
        appbuilder.add_view(view, name, label=label, icon=icon, category=category,
                            category_label=CATEGORY_LABELS[category])
    from views.admin.base import refuse_unknown_actions
    from views.admin.signing_notice import register as register_signing_notice

    register_signing_notice(current_app)

    current_app.before_request(refuse_unknown_actions)
    # Detail views reached from their parents, not from the menu.
    for view in (fee_schedules.GradeFeeView, companies.SignatoryView, records.OrderLineView,
                 vouchers.VoucherRedemptionView, fee_schedule_editor.FeeScheduleEditorView):
        appbuilder.add_view_no_menu(view)


CATEGORY_LABELS = {
    "Chamber": _l("Chamber"),
    "Members": _l("Members"),
    "Payments": _l("Payments"),
    "Operations": _l("Operations"),
    "Audit": _l("Audit"),
}
