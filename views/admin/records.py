"""Records the services write (certificates, requests, payments, notifications, job runs, audit log): read-only here."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, url_for
from flask_appbuilder import expose, has_access, permission_name
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.services.certificates.issue import find_for_check
from app.services.certificates.signed import signed_certificate_pdf
from app.services.certificates.lifecycle import REVOKE_REASONS
from models import AuditEntry, Certificate, CounterVisit, JobRun, Notification, OrderLine, Payment, ServiceOrder
from views import display
from views.admin.certificate_actions import CertificateLifecycleActions
from views.admin.base import ReadOnlyModelView, omr
from views.admin.orders import OrderReviewActions
from views.auditor.audit import AuditTrailMixin
from views.admin.scale import COMPANY_LOOKUPS, MEMBERSHIP_LOOKUPS, ORDER_LOOKUPS, USER_LOOKUPS


def pretty_json(value) -> Markup:
    if value in (None, {}):
        return Markup("")
    return Markup("<pre dir=\"ltr\">%s</pre>") % escape(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


def pdf_link(serial: str) -> Markup:
    return Markup('<a href="%s" dir="ltr"><i class="fa fa-file-pdf-o"></i> %s</a>') % (
        url_for("CertificateView.pdf", serial=serial), serial)


def revoke_reason_label(reason) -> str:
    return gettext(REVOKE_REASONS[reason]) if reason in REVOKE_REASONS else ""


class CertificateView(CertificateLifecycleActions, ReadOnlyModelView):
    list_title = _l("Certificates")
    show_title = _l("Certificate")
    datamodel = SQLAInterface(Certificate)
    base_permissions = ["can_list", "can_show", "can_download", "can_revoke", "can_reissue"]
    show_template = "admin/certificate_show.html"
    list_columns = ["serial", "membership", "issued_on", "expires_on", "superseded_by", "revoked_at", "created_at"]
    search_columns = ["serial", "membership", "issued_on", "expires_on", "revoked_at", "revoke_reason"]
    search_lookups = {"membership": MEMBERSHIP_LOOKUPS}
    show_columns = ["serial", "membership", "issued_on", "expires_on", "superseded_by", "superseded_at",
                    "revoked_at", "revoked_by", "revoke_reason", "revoke_note", "snapshot", "created_at"]
    label_columns = {
        "serial": _l("Serial"), "membership": _l("Membership"), "issued_on": _l("Date of issue"),
        "expires_on": _l("Date of expiry"), "superseded_by": _l("Superseded by"), "snapshot": _l("Printed data"),
        "created_at": _l("Created"), "superseded_at": _l("Superseded at"), "revoked_at": _l("Revoked at"),
        "revoked_by": _l("Revoked by"), "revoke_reason": _l("Reason for revoking"), "revoke_note": _l("Details"),
    }
    formatters_columns = {"snapshot": pretty_json, "serial": pdf_link, "revoke_reason": revoke_reason_label}

    @expose("/pdf/<string:serial>")
    @has_access
    @permission_name("download")
    def pdf(self, serial: str):
        """Staff and auditors download any certificate: the signed file members get."""
        certificate = find_for_check(self.datamodel.session, serial=serial)
        if certificate is None:
            abort(404)
        return Response(signed_certificate_pdf(self.datamodel.session, certificate), mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.serial}.pdf"'})


class OrderLineView(ReadOnlyModelView):
    list_title = _l("Fee lines")
    show_title = _l("Fee line")
    datamodel = SQLAInterface(OrderLine)
    base_order = ("position", "asc")
    list_columns = ["order", "position", "kind", "amount"]
    show_columns = list_columns
    label_columns = {"order": _l("Service request"), "position": _l("Line"), "kind": _l("Fee"), "amount": _l("Amount")}
    formatters_columns = {"amount": omr}


class PaymentView(ReadOnlyModelView):
    list_title = _l("Payments")
    show_title = _l("Payment")
    datamodel = SQLAInterface(Payment)
    list_columns = ["order", "gateway", "amount", "status", "decision", "reason_code", "created_at"]
    search_columns = ["order", "gateway", "status", "decision", "transaction_uuid", "created_at"]
    search_lookups = {"order": ORDER_LOOKUPS}
    show_columns = ["order", "gateway", "transaction_uuid", "gateway_transaction_id", "amount", "currency",
                    "status", "decision", "reason_code", "message", "reply_fields", "created_at", "replied_at"]
    label_columns = {
        "order": _l("Service request"), "gateway": _l("Gateway"), "amount": _l("Amount"), "status": _l("Status"),
        "decision": _l("Decision"), "reason_code": _l("Reason code"), "created_at": _l("Created"),
        "transaction_uuid": _l("Transaction"), "gateway_transaction_id": _l("Gateway transaction"),
        "currency": _l("Currency"), "message": _l("Message"), "reply_fields": _l("Gateway reply"),
        "replied_at": _l("Replied at"),
    }
    formatters_columns = {"amount": omr, "reply_fields": pretty_json}


class ServiceOrderView(OrderReviewActions, ReadOnlyModelView):
    list_title = _l("Service requests")
    show_title = _l("Service request")
    datamodel = SQLAInterface(ServiceOrder)
    base_permissions = ["can_list", "can_show", "can_settle_review"]
    related_views = [OrderLineView, PaymentView]
    show_template = "admin/order_show.html"
    list_columns = ["reference", "service", "company", "membership", "status", "total", "quoted_on", "created_at"]
    search_columns = ["reference", "service", "status", "company", "membership", "user", "quoted_on", "created_at",
                      "paid_at"]
    search_lookups = {"company": COMPANY_LOOKUPS, "membership": MEMBERSHIP_LOOKUPS, "user": USER_LOOKUPS}
    show_columns = ["reference", "service", "status", "user", "company", "membership", "fee_schedule", "voucher",
                    "quoted_on", "period_months", "total", "currency", "details", "expires_at", "paid_at",
                    "fulfilled_at", "created_at"]
    label_columns = {
        "reference": _l("Reference"), "service": _l("Service"), "company": _l("Company"),
        "membership": _l("Membership"), "status": _l("Status"), "total": _l("Total"),
        "quoted_on": _l("Quoted on"), "created_at": _l("Created"), "user": _l("Member"),
        "fee_schedule": _l("Fee schedule"), "voucher": _l("Voucher"), "period_months": _l("Period (months)"),
        "currency": _l("Currency"), "details": _l("Details"), "expires_at": _l("Expires at"),
        "paid_at": _l("Paid at"), "fulfilled_at": _l("Fulfilled at"),
    }
    formatters_columns = {"total": omr, "details": pretty_json}


class NotificationView(ReadOnlyModelView):
    list_title = _l("Notifications")
    show_title = _l("Notification")
    datamodel = SQLAInterface(Notification)
    # The "Retry now" action is guarded by can_resend (Staff and Admin).
    method_permission_name = {"retry_now": "resend"}
    list_columns = ["channel", "recipient", "template", "status", "attempts", "next_attempt_at", "sent_at"]
    search_columns = ["channel", "recipient", "template", "status", "user", "created_at", "sent_at"]
    # A verification code or reset link is never shown to staff, delivered or not.
    show_columns = ["channel", "recipient", "template", "language", "subject", "text_for_staff", "status",
                    "attempts", "next_attempt_at", "last_error", "provider_id", "sent_at", "created_at"]
    label_columns = {
        "channel": _l("Channel"), "recipient": _l("Recipient"), "template": _l("Message"), "status": _l("Status"),
        "attempts": _l("Attempts"), "next_attempt_at": _l("Next attempt"), "sent_at": _l("Sent at"),
        "language": _l("Language"), "subject": _l("Subject"), "body": _l("Text"), "last_error": _l("Last error"),
        "provider_id": _l("Provider reference"), "created_at": _l("Created"), "text_for_staff": _l("Text"),
    }
    # A message is shown as it was sent, set apart from the page around it.
    formatters_columns = {"text_for_staff": lambda text: _l("(not shown: it holds a code or a link)")
                          if text is None else display.isolate(text)}

    @action("retry_now", _l("Retry now"), _l("Send the selected failed messages again now?"), "fa-repeat")
    def retry_now(self, items):
        from app.extensions import db
        from app.services.notifications.outbox import AdapterConfigError, retry_failed

        rows = items if isinstance(items, list) else [items]
        try:
            counts = retry_failed(db.session, [row.id for row in rows])
        except AdapterConfigError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(gettext("Sent: %(sent)s, to be retried: %(retry)s, failed again: %(failed)s, "
                          "left alone (not failed): %(skipped)s.", **counts), "info")
        self.update_redirect()
        return redirect(self.get_redirect())


class CounterVisitView(ReadOnlyModelView):
    list_title = _l("Counter visits")
    show_title = _l("Counter visit")
    datamodel = SQLAInterface(CounterVisit)
    base_order = ("checked_at", "desc")
    list_columns = ["checked_at", "company", "service", "civil_id", "served_by", "order"]
    search_columns = ["company", "civil_id", "served_by", "checked_at", "order"]
    search_lookups = {"company": COMPANY_LOOKUPS, "order": ORDER_LOOKUPS}
    show_columns = ["checked_at", "company", "service", "civil_id", "signatory", "id_card_checked", "served_by",
                    "order", "contact_email", "contact_mobile", "language"]
    label_columns = {
        "checked_at": _l("When"), "company": _l("Company"), "service": _l("Service"),
        "civil_id": _l("Civil ID checked"), "signatory": _l("Signatory at the registry"),
        "id_card_checked": _l("Civil ID card checked"), "served_by": _l("Served by"),
        "order": _l("Service request"), "contact_email": _l("Email"), "contact_mobile": _l("Mobile"),
        "language": _l("Language"),
    }


class JobRunView(ReadOnlyModelView):
    list_title = _l("Job runs")
    show_title = _l("Job run")
    datamodel = SQLAInterface(JobRun)
    base_order = ("started_at", "desc")
    list_columns = ["job", "trigger", "started_at", "finished_at", "status", "counts"]
    search_columns = ["job", "status", "started_at"]
    show_columns = ["job", "trigger", "started_at", "finished_at", "status", "counts", "error"]
    label_columns = {
        "job": _l("Job"), "trigger": _l("Started by"), "started_at": _l("Started"), "finished_at": _l("Finished"),
        "status": _l("Status"), "counts": _l("Counts"), "error": _l("Error"),
    }
    formatters_columns = {"counts": pretty_json}


class AuditLogView(AuditTrailMixin, ReadOnlyModelView):
    list_title = _l("Audit log")
    show_title = _l("Audit log entry")
    datamodel = SQLAInterface(AuditEntry)
    base_order = ("seq", "desc")
    list_columns = ["seq", "at", "actor", "action", "entity", "entity_id"]
    search_columns = ["at", "actor", "action", "entity", "entity_id"]
    # Before and after are shown field by field, with their labels, under the entry (AuditTrailMixin).
    show_columns = ["seq", "at", "actor", "user_id", "action", "entity", "entity_id", "reason", "prev_hash", "hash"]
    label_columns = {
        "seq": _l("No."), "at": _l("When"), "actor": _l("Who"), "user_id": _l("User id"), "action": _l("Action"),
        "entity": _l("Record type"), "entity_id": _l("Record"), "before": _l("Before"), "after": _l("After"),
        "reason": _l("Reason"), "prev_hash": _l("Previous hash"), "hash": _l("Hash"),
    }
    formatters_columns = {"actor": display.actor}
