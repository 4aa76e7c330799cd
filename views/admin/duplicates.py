"""Duplicate payments: accepted payments beyond the one that settled their request, to be refunded.

The payment engine marks them (status 'duplicate') and audits each; staff, administrators
and auditors read them here.
"""
from __future__ import annotations

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from models import Payment
from views.admin.base import ReadOnlyModelView, omr
from views.admin.records import PaymentView, payment_status, pretty_json
from views.admin.scale import ORDER_LOOKUPS


class DuplicatePaymentView(ReadOnlyModelView):
    list_title = _l("Duplicate payments")
    show_title = _l("Duplicate payment")
    datamodel = SQLAInterface(Payment)
    base_filters = [["status", FilterEqual, "duplicate"]]
    base_order = ("replied_at", "desc")
    list_columns = ["order", "gateway", "amount", "gateway_transaction_id", "replied_at"]
    search_columns = ["order", "gateway", "transaction_uuid", "gateway_transaction_id", "replied_at"]
    search_lookups = {"order": ORDER_LOOKUPS}
    show_columns = PaymentView.show_columns
    label_columns = PaymentView.label_columns
    formatters_columns = {"amount": omr, "reply_fields": pretty_json, "status": payment_status}
