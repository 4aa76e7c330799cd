"""The member's receipt for one request (owner only), and paying again or cancelling an unpaid one."""
from __future__ import annotations

from flask import abort, g, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.membership.fulfilment import SERVICE_LABELS, Translated, next_steps_message, outcome_message
from app.services.payments.checkout import check_earlier_attempts
from app.services.payments.gateway import payment_gateway
from app.services.payments.orders import cancel_order, member_order
from app.services.membership.refusals import OrderNotCancellable
from models import Certificate
from views.forms import user_message
from views.selfservice.wizard import checkout_response, clock_now, clock_today, current_member, render_page

ORDER_STATUS_LABELS = {
    "draft": _l("Draft"),
    "pending_payment": _l("Awaiting payment"),
    "review": _l("Payment under review"),
    "paid": _l("Paid"),
    "fulfilled": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired unpaid"),
    "failed": _l("Failed"),
}


def _owned_order(reference: str):
    order = member_order(db.session, g.user.id, reference)
    if order is None:
        abort(404)
    return order


class SelfServiceReceiptView(BaseView):
    route_base = "/services"
    default_view = "receipt"

    @expose("/receipt/<reference>")
    @has_access
    def receipt(self, reference: str):
        current_member()
        order = _owned_order(reference)
        # "Pay" is offered again only once the gateway has said what became of the earlier attempts.
        checked = order.status != "pending_payment" or check_earlier_attempts(
            db.session, order, payment_gateway(), now=clock_now(), today=clock_today())
        result = (order.details or {}).get("result") or {}
        certificate = None
        if result.get("certificate"):
            certificate = db.session.query(Certificate).filter_by(serial=result["certificate"]).one_or_none()
        payments = list(order.payments)
        outcome = outcome_message(order)
        response = render_page(
            "selfservice/receipt.html", title=_l(SERVICE_LABELS[order.service]), order=order,
            status_label=ORDER_STATUS_LABELS.get(order.status, order.status),
            outcome=Translated(outcome) if outcome else "", next_steps=Translated(next_steps_message(order)),
            certificate=certificate, last_payment=payments[-1] if payments else None,
            late_payment=any(p.status == "accepted" for p in payments), payment_checked=checked,
            duplicate_payment=any(p.status == "duplicate" for p in payments),
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/orders/<reference>/pay", methods=["POST"])
    @has_access
    def pay(self, reference: str):
        member = current_member()
        return checkout_response(_owned_order(reference), member)

    @expose("/orders/<reference>/cancel", methods=["POST"])
    @has_access
    def cancel(self, reference: str):
        current_member()
        order = _owned_order(reference)
        try:
            cancel_order(db.session, order)
        except OrderNotCancellable as refusal:
            return render_page("selfservice/message.html", 409, title=_l("Cancel request"),
                               message=user_message(refusal),
                               link=url_for(".receipt", reference=reference))
        return redirect(url_for(".receipt", reference=reference), 303)
