"""Public account pages: register, verify email and mobile, resend a code, forgot and reset password."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import no_cache
from flask_babel import get_locale, gettext
from flask_login import current_user, login_user

from app.domain.errors import AccountRefused, DomainError, NothingToVerify
from app.domain.verification import CodeRefused, Purpose, ResendRefused
from app.extensions import db
from app.services.accounts import login_sessions, password_reset, registration, verification_codes
from app.services.accounts.captcha import RESPONSE_FIELD, captcha_for, captcha_refusal
from views.forms import user_message
from views.portal.forms import CodeForm, ForgotPasswordForm, RegistrationForm, ResetPasswordForm
from views.portal.limits import (
    account_key,
    client_address,
    limit_from_config,
    reset_token_key,
    typed_email_key,
)

STEP_ENDPOINTS = {Purpose.EMAIL: "MemberAccountsView.verify_email", Purpose.MOBILE: "MemberAccountsView.verify_mobile"}


def page_language() -> str:
    locale = get_locale()
    return "ar" if locale is not None and locale.language == "ar" else "en"


def check_captcha() -> str | None:
    """None when the captcha passed (or is off), else the message to show."""
    return captcha_refusal(current_app.config, request.form.get(RESPONSE_FIELD), request.remote_addr)


def verification_url(user) -> str | None:
    """The page of the account's pending verification step, if it has one."""
    step = verification_codes.pending_step(verification_codes.member_of(db.session, user.id))
    return url_for(STEP_ENDPOINTS[step]) if step is not None else None


def landing_url(user) -> str:
    """Where a logged-in user goes: the pending verification step, the portal for members, else the index."""
    pending = verification_url(user)
    if pending:
        return pending
    if verification_codes.member_of(db.session, user.id) is not None:
        return url_for("MemberPortalView.dashboard")
    return current_app.appbuilder.get_url_for_index


class MemberAccountsView(BaseView):
    """Reachable without logging in (no @has_access): registering, verifying the email and mobile, and resetting a password."""

    route_base = ""
    default_view = "register"

    def _render(self, template: str, **context):
        from views.portal.dashboard import SERVICES

        return self.render_template(template, captcha=captcha_for(current_app.config),
                                    page_language=page_language(), services=SERVICES, **context)

    # --- register ----------------------------------------------------------------------

    @expose("/register/", methods=["GET", "POST"])
    @no_cache
    @limit_from_config("RATELIMIT_REGISTER_PER_ADDRESS", key_func=client_address, methods=["POST"])
    @limit_from_config("RATELIMIT_REGISTER_PER_ACCOUNT", key_func=typed_email_key, methods=["POST"])
    def register(self):
        if current_user.is_authenticated:
            return redirect(landing_url(current_user))
        form = RegistrationForm()
        if request.method == "POST" and form.validate():
            problem = check_captcha()
            if problem:
                flash(problem, "danger")
            else:
                try:
                    member = registration.register_member(db.session, self._registration(form), language=page_language())
                except AccountRefused as refusal:
                    db.session.rollback()
                    self._attach(form, refusal)
                except DomainError as refusal:
                    db.session.rollback()
                    flash(user_message(refusal), "danger")
                else:
                    login_sessions.rotate_session()
                    login_user(member.user, remember=False)
                    flash(gettext("We emailed a verification code to %(email)s.", email=member.user.email), "info")
                    return redirect(url_for("MemberAccountsView.verify_email"))
        return self._render("portal/register.html", form=form, title=gettext("Register an e-service account"))

    @staticmethod
    def _registration(form: RegistrationForm) -> registration.Registration:
        return registration.Registration(
            first_name=form.first_name.data, middle_name=form.middle_name.data or None,
            family_name=form.family_name.data or None, email=form.email.data, mobile=form.mobile.data,
            cr_number=form.cr_number.data or None, country=form.country.data, id_type=form.id_type.data,
            id_number=form.id_number.data, password=form.password.data)

    @staticmethod
    def _attach(form, refusal: AccountRefused) -> None:
        field = getattr(form, refusal.field, None) if refusal.field else None
        if field is not None:
            field.errors = list(field.errors) + [user_message(refusal)]
        else:
            flash(user_message(refusal), "danger")

    # --- verification --------------------------------------------------------------------

    @expose("/register/verify-email", methods=["GET", "POST"])
    @no_cache
    @limit_from_config("RATELIMIT_CODE_PER_ADDRESS", key_func=client_address, methods=["POST"])
    @limit_from_config("RATELIMIT_CODE_PER_ACCOUNT", key_func=account_key, methods=["POST"])
    def verify_email(self):
        return self._verify(Purpose.EMAIL)

    @expose("/register/verify-mobile", methods=["GET", "POST"])
    @no_cache
    @limit_from_config("RATELIMIT_CODE_PER_ADDRESS", key_func=client_address, methods=["POST"])
    @limit_from_config("RATELIMIT_CODE_PER_ACCOUNT", key_func=account_key, methods=["POST"])
    def verify_mobile(self):
        return self._verify(Purpose.MOBILE)

    def _verify(self, purpose: Purpose):
        if not current_user.is_authenticated:
            return redirect(current_app.appbuilder.get_url_for_login)
        member = verification_codes.member_of(db.session, current_user.id)
        step = verification_codes.pending_step(member)
        if step is not purpose:
            return redirect(landing_url(current_user))
        form = CodeForm()
        if request.method == "POST" and form.validate():
            try:
                verification_codes.verify_code(db.session, current_user.id, purpose, form.code.data)
            except CodeRefused as refusal:
                form.code.errors = list(form.code.errors) + [user_message(refusal)]
            except NothingToVerify:
                return redirect(landing_url(current_user))
            else:
                if purpose is Purpose.EMAIL:
                    flash(gettext("Your email address is verified. We sent a code by SMS to %(mobile)s.",
                                  mobile=member.mobile), "info")
                    return redirect(url_for("MemberAccountsView.verify_mobile"))
                flash(gettext("Your mobile number is verified. Registration is complete."), "success")
                return redirect(url_for("MemberPortalView.dashboard"))
        template = "portal/verify_email.html" if purpose is Purpose.EMAIL else "portal/verify_mobile.html"
        title = gettext("Email verification") if purpose is Purpose.EMAIL else gettext("Mobile verification")
        return self._render(template, form=form, member=member, title=title)

    @expose("/register/resend", methods=["POST"])
    @limit_from_config("RATELIMIT_CODE_PER_ADDRESS", key_func=client_address, methods=["POST"])
    def resend(self):
        if not current_user.is_authenticated:
            return redirect(current_app.appbuilder.get_url_for_login)
        try:
            step = verification_codes.resend_code(db.session, current_user.id)
        except ResendRefused as refusal:
            flash(user_message(refusal), "warning")
        except NothingToVerify:
            pass
        else:
            flash(gettext("A new code is on its way.") if step is Purpose.EMAIL
                  else gettext("A new code is on its way by SMS."), "info")
        return redirect(landing_url(current_user))

    # --- forgotten password ----------------------------------------------------------------

    @expose("/forgot-password/", methods=["GET", "POST"])
    @no_cache
    @limit_from_config("RATELIMIT_RESET_PER_ADDRESS", key_func=client_address, methods=["POST"])
    @limit_from_config("RATELIMIT_RESET_PER_ACCOUNT", key_func=typed_email_key, methods=["POST"])
    def forgot_password(self):
        form = ForgotPasswordForm()
        if request.method == "POST" and form.validate():
            problem = check_captcha()
            if problem:
                flash(problem, "danger")
            else:
                password_reset.request_password_reset(db.session, form.email.data, language=page_language())
                # The same answer whether or not the address has an account.
                flash(gettext("If %(email)s belongs to an account, a link to choose a new password is on its "
                              "way. Check your inbox.", email=form.email.data), "info")
                return redirect(url_for("MemberAccountsView.forgot_password"))
        return self._render("portal/forgot_password.html", form=form, title=gettext("Forgot password"))

    @expose("/reset-password/<token>", methods=["GET", "POST"])
    @no_cache
    @limit_from_config("RATELIMIT_RESET_PER_ADDRESS", key_func=client_address, methods=["POST"])
    @limit_from_config("RATELIMIT_RESET_PER_ACCOUNT", key_func=reset_token_key, methods=["POST"])
    def reset_password(self, token: str):
        try:
            row = password_reset.find_reset(db.session, token)
        except CodeRefused as refusal:
            response = self.render_template("portal/reset_password.html", form=None, invalid=user_message(refusal),
                                            title=gettext("Choose a new password"))
            return self._no_referrer(response, 404)
        form = ResetPasswordForm(email=row.user.email)
        if request.method == "POST" and form.validate():
            try:
                password_reset.reset_password(db.session, token, form.password.data)
            except DomainError as refusal:
                db.session.rollback()
                flash(user_message(refusal), "danger")
                return redirect(url_for("MemberAccountsView.forgot_password"))
            if current_user.is_authenticated:
                login_sessions.rotate_session()
            flash(gettext("Your password was changed. Log in with the new password."), "success")
            return redirect(current_app.appbuilder.get_url_for_login)
        response = self.render_template("portal/reset_password.html", form=form, invalid=None,
                                        title=gettext("Choose a new password"))
        return self._no_referrer(response, 200)

    @staticmethod
    def _no_referrer(body, status: int):
        # The token is in the address: never hand it to another site in a Referer header.
        response = current_app.make_response((body, status))
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
