"""Member-facing pages: accounts (register, verify, reset) and the e-services dashboard."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# Pages an account with unverified email or mobile may still open.
OPEN_WHILE_UNVERIFIED = {
    "MemberAccountsView.verify_email", "MemberAccountsView.verify_mobile", "MemberAccountsView.resend",
    "static", "appbuilder.static", "LocaleView.index",
}


def register(appbuilder: AppBuilder) -> None:
    from views.portal.accounts import MemberAccountsView
    from views.portal.dashboard import MemberPortalView

    appbuilder.add_view_no_menu(MemberAccountsView)
    appbuilder.add_view(MemberPortalView, "E-services dashboard", label=_l("E-services dashboard"),
                        icon="fa-th-large")
    app = current_app
    app.before_request(finish_verification_first)
    app.register_error_handler(429, too_many_requests)


def finish_verification_first():
    """An account that has not verified its email and mobile can only finish verifying (or log out)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in OPEN_WHILE_UNVERIFIED or endpoint.endswith(".logout"):
        return None
    if not current_user.is_authenticated:
        return None
    from app.extensions import db
    from app.services.accounts import verification_codes
    from views.portal.accounts import STEP_ENDPOINTS

    step = verification_codes.pending_step(verification_codes.member_of(db.session, current_user.id))
    if step is None:
        return None
    return redirect(url_for(STEP_ENDPOINTS[step]))


def too_many_requests(error):
    appbuilder = current_app.appbuilder
    body = render_template("portal/too_many_requests.html", appbuilder=appbuilder,
                           base_template=appbuilder.base_template, current_app=current_app)
    response = current_app.make_response((body, 429))
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response
