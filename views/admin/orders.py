"""Staff decisions on service requests: accept a payment held for review (or paid after the request
closed) and complete the request, or refuse a held one."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.infrastructure.clock import now_utc, today
from app.services.payments.engine import accept_held_order, cancel_held_order
from app.services.membership.refusals import REFUSALS
from views.forms import user_message


class OrderReviewActions:
    """Mixed into ServiceOrderView; both actions need the Staff permission can_settle_review."""

    method_permission_name = {"accept_review": "settle_review", "cancel_review": "settle_review"}

    def _decide(self, items, decide, done_message):
        orders = [order for order in (items if isinstance(items, list) else [items]) if order is not None]
        if not orders:
            abort(404)
        for order in orders:
            try:
                decide(order)
            except REFUSALS as refusal:
                db.session.rollback()
                flash(user_message(refusal), "warning")
            else:
                db.session.commit()
                flash(done_message(order), "success")
        if len(orders) == 1:
            return redirect(url_for(".show", pk=orders[0].id))
        return redirect(url_for(".list"))

    @action("accept_review", _l("Accept the payment and complete the request"),
            _l("The payment was checked at the gateway and the request will be carried out. Continue?"),
            "fa-check", multiple=False)
    def accept_review(self, items):
        config = current_app.config
        return self._decide(
            items, lambda order: accept_held_order(db.session, order, now=now_utc(config), today=today(config)),
            lambda order: gettext("Request %(reference)s was accepted and completed.", reference=order.reference))

    @action("cancel_review", _l("Refuse the held payment and cancel the request"),
            _l("The request will be cancelled; refund the payment at the gateway. Continue?"),
            "fa-times", multiple=False)
    def cancel_review(self, items):
        return self._decide(items, lambda order: cancel_held_order(db.session, order),
                            lambda order: gettext("Request %(reference)s was cancelled.", reference=order.reference))
