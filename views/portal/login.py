"""The login page: FAB's database login with a captcha, rate limits, a fresh session, and members sent to the portal."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, request
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_appbuilder.views import expose
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from app.services.accounts.captcha import captcha_for
from app.services.accounts import login_sessions
from views.portal.accounts import check_captcha, landing_url, page_language, verification_url
from views.portal.limits import client_address, limit_from_config, login_account_key


class GhurfaAuthDBView(AuthDBView):
    """Members log in with their email, staff with their user name; one message for every failure."""

    invalid_login_message = _l("Invalid login. Please try again.")

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    @limit_from_config("RATELIMIT_LOGIN_PER_ADDRESS", key_func=client_address, methods=["POST"])
    @limit_from_config("RATELIMIT_LOGIN_PER_ACCOUNT", key_func=login_account_key, methods=["POST"])
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(landing_url(g.user))
        form = LoginForm_db()
        if form.validate_on_submit():
            next_url = request.args.get("next", "")
            problem = check_captcha()
            if problem:
                flash(problem, "danger")
                return self._page(form)
            user = self.appbuilder.sm.auth_user_db(form.username.data.strip(), form.password.data)
            if not user:
                flash(as_unicode(self.invalid_login_message), "warning")
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            # A new session for the new identity: nothing from before the login is carried over.
            login_sessions.rotate_session()
            login_user(user, remember=False)
            # An account still verifying goes to its next step whatever it asked for.
            pending = verification_url(user)
            if pending:
                return redirect(pending)
            return redirect(get_safe_redirect(next_url) if next_url else landing_url(user))
        return self._page(form)

    def _page(self, form):
        return self.render_template(self.login_template, title=self.title, form=form, appbuilder=self.appbuilder,
                                    captcha=captcha_for(current_app.config), page_language=page_language(),
                                    username_label=_l("Email or user name"))
