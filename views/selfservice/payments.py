"""Where the gateway's signed replies arrive: the customer's browser (/payments/receipt) and the
gateway's server-to-server notification (/payments/notify).

Both are exempt from CSRF (they come from the gateway's page or servers) and are
authenticated by the reply's signature instead. The browser's POST is cross-site, so the
session cookie (SameSite=Lax) does not come with it: these endpoints never write a session,
or they would replace the member's cookie and log them out.

When the portal cannot record a reply (its database is unavailable), nothing is recorded:
the member is told the payment will be checked, the gateway is answered 503 so that it
sends the notification again, and the reconciliation job asks the gateway in any case.
"""
from __future__ import annotations

import logging

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.services.payments.checkout import handle_reply
from app.services.payments.gateway import ReplyError, payment_gateway
from views.selfservice.wizard import render_page

payments_blueprint = Blueprint("payments", __name__, url_prefix="/payments")
log = logging.getLogger("ghurfa.payments")
NOT_RECORDED = _l("Your payment could not be recorded just now. You will not be charged again: the chamber "
                  "checks it with the payment provider and will email you. Please look at your request "
                  "again in a few minutes.")


def _forget_the_failed_transaction() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.remove()


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
    except SQLAlchemyError:
        log.exception("a payment reply could not be recorded")
        _forget_the_failed_transaction()
        page = render_template("selfservice/not_recorded.html", message=NOT_RECORDED, locale=str(get_locale() or "en"))
        return page, 503
    return redirect(url_for("SelfServiceReceiptView.receipt", reference=outcome.reference), 303)


@payments_blueprint.route("/notify", methods=["POST"])
def notify():
    try:
        handle_reply(db.session, request.form, gateway=payment_gateway(), source="notify")
    except ReplyError as error:
        return type(error).__name__, 400, {"Content-Type": "text/plain"}
    except SQLAlchemyError:
        log.exception("a payment notification could not be recorded")
        _forget_the_failed_transaction()
        return "Unavailable", 503, {"Content-Type": "text/plain"}
    return "OK", 200, {"Content-Type": "text/plain"}
