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
    from views.portal.profile import MemberProfileView, members_profile_instead_of_fab_userinfo

    appbuilder.add_view_no_menu(MemberAccountsView)
    appbuilder.add_view_no_menu(MemberProfileView)
    appbuilder.add_view(MemberPortalView, "E-services dashboard", label=_l("E-services dashboard"),
                        icon="fa-th-large")
    app = current_app
    app.before_request(finish_verification_first)
    app.before_request(members_profile_instead_of_fab_userinfo)
    app.register_error_handler(429, too_many_requests)


def finish_verification_first():
    """An account that has not verified its email and mobile can only finish verifying (or log out)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in OPEN_WHILE_UNVERIFIED or endpoint.endswith(".logout"):
        return None
    if not current_user.is_authenticated:
        return None
    from app import permissions

    # Only members verify an email and a mobile: staff and auditors are not looked up (roles are loaded already).
    if not any(role.name == permissions.MEMBER for role in current_user.roles):
        return None
    from app.extensions import db
    from app.services.accounts import verification_codes
    from views.portal.accounts import STEP_ENDPOINTS

    step = verification_codes.pending_step(verification_codes.member_of(db.session, current_user.id))
    if step is None:
        return None
    return redirect(url_for(STEP_ENDPOINTS[step]))


def too_many_requests(error):
    """The page refused, as it was when sent (what was typed kept), saying when to try again."""
    from app.operations.metrics import observe_rate_limited
    from views.portal.limits import seconds_to_wait, wait_message

    observe_rate_limited(request.endpoint)
    appbuilder = current_app.appbuilder
    wait = seconds_to_wait(error)
    body = None
    if request.method == "POST" and request.endpoint:
        body = _limited_form_page(appbuilder, request.endpoint, wait_message(wait))
    if body is None:
        body = render_template("portal/too_many_requests.html", appbuilder=appbuilder,
                               base_template=appbuilder.base_template, current_app=current_app,
                               wait_message=wait_message(wait, typed_kept=False))
    response = current_app.make_response((body, 429))
    response.headers["Retry-After"] = str(wait)
    return response


def _limited_form_page(appbuilder, endpoint: str, message: str):
    from flask import flash

    from views.portal.accounts import MemberAccountsView

    view_name = endpoint.split(".", 1)[0]
    if view_name == MemberAccountsView.__name__:
        view = next((v for v in appbuilder.baseviews if isinstance(v, MemberAccountsView)), None)
        if view is None:
            return None
        flash(message, "warning")
        page = view.limited_page(endpoint)
        if page is None:
            session_flashes_clear()
        return page
    auth_view = appbuilder.sm.auth_view
    if auth_view is not None and endpoint == f"{auth_view.endpoint}.login":
        from flask_appbuilder.security.forms import LoginForm_db

        flash(message, "warning")
        return auth_view._page(LoginForm_db())
    return None


def session_flashes_clear() -> None:
    from flask import session

    session.pop("_flashes", None)
