"""Where the gateway's signed replies arrive: the customer's browser (/payments/receipt) and the
gateway's server-to-server notification (/payments/notify).

Both are exempt from CSRF (they come from the gateway's page or servers) and are
authenticated by the reply's signature instead. The browser's POST is cross-site, so the
session cookie (SameSite=Lax) does not come with it: these endpoints never write a session,
or they would replace the member's cookie and log them out.
"""
from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

from app.adapters.payments import ReplyError
from app.extensions import db
from app.services.payments.checkout import handle_reply
from views.selfservice.wizard import payment_gateway, render_page

payments_blueprint = Blueprint("payments", __name__, url_prefix="/payments")


@payments_blueprint.after_request
def _leave_the_session_alone(response):
    session.clear()
    session.modified = False
    response.headers["Cache-Control"] = "no-store"
    return response


@payments_blueprint.route("/receipt", methods=["POST"])
def receipt():
    try:
        outcome = handle_reply(db.session, request.form, gateway=payment_gateway(), source="receipt")
    except ReplyError as error:
        return render_page("selfservice/reply_refused.html", 400, message=str(error.message))
    return redirect(url_for("SelfServiceReceiptView.receipt", reference=outcome.reference), 303)


@payments_blueprint.route("/notify", methods=["POST"])
def notify():
    try:
        handle_reply(db.session, request.form, gateway=payment_gateway(), source="notify")
    except ReplyError as error:
        return type(error).__name__, 400, {"Content-Type": "text/plain"}
    return "OK", 200, {"Content-Type": "text/plain"}
