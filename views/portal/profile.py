"""A member's profile: their details, a new password, a new email or mobile (proved by a code), the language."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, no_cache
from flask_babel import gettext
from flask_login import current_user, login_user

from app.domain.errors import DomainError
from app.domain.verification import CodeRefused, Purpose, ResendRefused
from app.extensions import db
from app.i18n import SESSION_KEY
from app.services.accounts import login_sessions, profile
from app.services.accounts import verification_codes as accounts
from app.services.accounts.member_names import greeting_name
from views.forms import user_message
from views.portal.accounts import page_language
from views.portal.forms import ChangeEmailForm, ChangeMobileForm, ChangePasswordForm, CodeForm, LanguageForm
from views.portal.limits import account_key, client_address, count_attempt, limit_attempts_from_config

PURPOSES = {"email": Purpose.EMAIL, "mobile": Purpose.MOBILE}


def isolated(text: str) -> str:
    """An address inside a sentence of either direction: first-strong isolate ... pop directional isolate."""
    return f"\u2068{text}\u2069"


def _member():
    from flask import abort

    member = accounts.member_of(db.session, g.user.id)
    if member is None:
        abort(403)
    return member


def _purpose(kind: str) -> Purpose:
    """The contact a profile URL names (email or mobile); any other word is not found."""
    if kind not in PURPOSES:
        abort(404)
    return PURPOSES[kind]


class MemberProfileView(BaseView):
    route_base = "/profile"
    default_view = "show"

    def _page(self, member, status: int = 200, **forms):
        forms.setdefault("password_form", ChangePasswordForm(formdata=None))
        forms.setdefault("email_form", ChangeEmailForm(formdata=None))
        forms.setdefault("mobile_form", ChangeMobileForm(formdata=None))
        forms.setdefault("language_form", LanguageForm(formdata=None, language=member.language))
        body = self.render_template(
            "portal/profile.html", member=member, title=gettext("My profile"),
            name=greeting_name(db.session, member, page_language()),
            pending_email=profile.pending_contact(db.session, member, Purpose.EMAIL),
            pending_mobile=profile.pending_contact(db.session, member, Purpose.MOBILE), **forms)
        return body, status

    @expose("/")
    @has_access
    @no_cache
    def show(self):
        return self._page(_member())

    @expose("/password", methods=["POST"])
    @has_access
    @limit_attempts_from_config("RATELIMIT_LOGIN_PER_ACCOUNT", key_func=account_key, methods=["POST"])
    def password(self):
        member = _member()
        form = ChangePasswordForm(email=member.user.email)
        if not form.validate():
            return self._page(member, 422, password_form=form)
        count_attempt()
        try:
            profile.change_password(db.session, member, form.current_password.data, form.password.data)
        except DomainError as refusal:
            db.session.rollback()
            form.current_password.errors = list(form.current_password.errors) + [user_message(refusal)]
            return self._page(member, 422, password_form=form)
        # Every session was ended; this one starts afresh.
        user = member.user
        login_sessions.rotate_session()
        login_user(user, remember=False)
        flash(gettext("Your password was changed. We sent you an email about it; other devices were logged out."),
              "success")
        return redirect(url_for(".show"))

    @expose("/<kind>", methods=["POST"])
    @has_access
    @limit_attempts_from_config("RATELIMIT_CODE_PER_ACCOUNT", key_func=account_key, methods=["POST"])
    def change_contact(self, kind: str):
        member = _member()
        purpose = _purpose(kind)
        if purpose is Purpose.EMAIL:
            form, request_change = ChangeEmailForm(), profile.request_email_change
        else:
            form, request_change = ChangeMobileForm(international=member.country != "OM"), profile.request_mobile_change
        if not form.validate():
            return self._page(member, 422, **{f"{kind}_form": form})
        count_attempt()
        field = form.email if purpose is Purpose.EMAIL else form.mobile
        try:
            sent_to = request_change(db.session, member, field.data)
        except (DomainError, ResendRefused) as refusal:
            db.session.rollback()
            field.errors = list(field.errors) + [user_message(refusal)]
            return self._page(member, 422, **{f"{kind}_form": form})
        flash(gettext("We sent a code to %(address)s. Type it below to confirm the change.", address=isolated(sent_to)), "info")
        return redirect(url_for(".confirm_contact", kind=kind))

    @expose("/<kind>/confirm", methods=["GET", "POST"])
    @has_access
    @no_cache
    @limit_attempts_from_config("RATELIMIT_CODE_PER_ADDRESS", key_func=client_address, methods=["POST"])
    @limit_attempts_from_config("RATELIMIT_CODE_PER_ACCOUNT", key_func=account_key, methods=["POST"])
    def confirm_contact(self, kind: str):
        member = _member()
        purpose = _purpose(kind)
        target = profile.pending_contact(db.session, member, purpose)
        if target is None:
            return redirect(url_for(".show"))
        form = CodeForm()
        status = 200
        if request.method == "POST":
            if form.validate():
                count_attempt()
                try:
                    profile.confirm_contact_change(db.session, member, purpose, form.code.data)
                except (CodeRefused, DomainError) as refusal:
                    db.session.rollback()
                    form.code.errors = list(form.code.errors) + [user_message(refusal)]
                else:
                    flash(gettext("Your email address is now %(address)s.", address=isolated(target)) if purpose is Purpose.EMAIL
                          else gettext("Your mobile number is now %(address)s.", address=isolated(target)), "success")
                    return redirect(url_for(".show"))
            status = 422
        title = gettext("Confirm your new email address") if purpose is Purpose.EMAIL \
            else gettext("Confirm your new mobile number")
        return self.render_template("portal/profile_confirm.html", form=form, target=target, kind=kind,
                                    title=title), status

    @expose("/language", methods=["POST"])
    @has_access
    def language(self):
        member = _member()
        form = LanguageForm()
        if not form.validate():
            return self._page(member, 422, language_form=form)
        profile.set_language(db.session, member, form.language.data)
        session[SESSION_KEY] = form.language.data
        flash(gettext("Saved. Emails, text messages and these pages now use the language you chose."), "success")
        return redirect(url_for(".show"))


def members_profile_instead_of_fab_userinfo():
    """FAB's "Profile" menu item, for a member: their own profile page (FAB's shows them nothing)."""
    if request.endpoint != "UserDBModelView.userinfo" or not current_user.is_authenticated:
        return None
    if accounts.member_of(db.session, current_user.id) is None:
        return None
    return redirect(url_for("MemberProfileView.show"))
