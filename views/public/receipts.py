"""The public receipt check, reached by the QR code on a counter receipt: the order, its total, paid or refunded."""
from __future__ import annotations

from flask_appbuilder import BaseView, expose
from sqlalchemy import select

from app.extensions import db, limiter
from app.services.refunds.requests import left_to_refund
from models import CounterPayment
from views.public.verify import CHECK_LIMIT


class ReceiptCheckView(BaseView):
    route_base = "/verify/receipt"
    default_view = "check"

    @expose("/<string:token>")
    @limiter.limit(CHECK_LIMIT)
    def check(self, token: str):
        counter = db.session.scalar(select(CounterPayment).where(CounterPayment.receipt_token == token[:80]))
        if counter is None:
            return self.render_template("public/receipt_check.html", counter=None), 404
        order = counter.order
        left = left_to_refund(db.session, order)
        return self.render_template("public/receipt_check.html", counter=counter, order=order,
                                    refunded=order.total - left)
