"""Login via PKI: the SAML endpoints of our service provider, beside the password login."""
from __future__ import annotations

import logging

import flask_login
from flask import abort, current_app, g, make_response, redirect, request, session, url_for
from flask_appbuilder import AppBuilder, BaseView, expose
from flask_babel import gettext

from app.extensions import csrf
from app.saml import state
from app.saml.settings import check_configuration
from app.saml.sp import SamlRejected, ServiceProvider
from app.services.accounts import pki
from app.services.accounts import stepup
from app.infrastructure.clock import now_utc

log = logging.getLogger("ghurfa.pki")

LOGIN = "login"


class PkiView(BaseView):
    """Our SAML 2.0 SP: /saml/login/, /saml/acs/, /saml/sls/, /saml/logout/, /saml/metadata/, /saml/step-up/."""

    route_base = "/saml"
    default_view = "login"

    def _sp(self) -> ServiceProvider:
        if not current_app.config.get("SAML_ENABLED"):
            abort(404)
        return ServiceProvider(current_app.config)

    def _refused(self, message: str, status: int, *, register_link: bool = False):
        page = self.render_template("pki/refused.html", message=message, register_link=register_link,
                                    login_url=url_for("PkiView.login"))
        return make_response(page, status)

    @expose("/login/")
    def login(self):
        """Sends the visitor to the identity provider with a signed AuthnRequest."""
        sp = self._sp()
        next_path = state.safe_return_path(request.args.get("next")) or state.dashboard_path()
        if g.user is not None and g.user.is_authenticated:
            return redirect(next_path)
        url, request_id = sp.authn_request(force_authn=False, relay_state=next_path)
        state.remember_request(request_id, LOGIN, next_path, now_utc(current_app.config))
        return redirect(url)

    @expose("/step-up/")
    def step_up(self):
        """Starts the identity check for a company: ?company=<id>&next=<our path>."""
        self._sp()
        if g.user is None or not g.user.is_authenticated:
            return redirect(url_for("PkiView.login", next=request.full_path))
        company_id = request.args.get("company", type=int)
        if company_id is None:
            abort(400)
        return redirect(stepup.begin(company_id, request.args.get("next") or state.dashboard_path()))

    @expose("/acs/", methods=["POST"])
    def acs(self):
        """The identity provider's answer (HTTP-POST binding) to a login or an identity check."""
        sp = self._sp()
        cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
        if cookie not in request.cookies and request.form.get("ghurfa_resubmitted") != "1":
            # A browser does not send a SameSite=Lax cookie with a POST from the IdP's site;
            # posting once more from our own page brings the session (and its pending request).
            return self.render_template("pki/resubmit.html", saml_response=request.form.get("SAMLResponse", ""),
                                        relay_state=request.form.get("RelayState"))
        now = now_utc(current_app.config)
        claimed = sp.in_response_to()
        pending = state.take_request(claimed, now) if claimed else None
        if pending is None:
            log.warning("Unsolicited or expired SAML response refused (InResponseTo=%r)", claimed)
            return self._refused(gettext("This answer of the identity provider does not belong to a login "
                                         "started here, or it came too late. Please start again."), 400)
        try:
            assertion = sp.validate_response(pending.request_id)
            pki.consume_assertion(assertion, now)
        except SamlRejected as err:
            log.warning("SAML response refused: %s", err)
            return self._refused(pki.AssertionRejected().message.translate(gettext), 400)
        except pki.AssertionReplayed as err:
            return self._refused(err.message.translate(gettext), 400)

        if pending.purpose == stepup.PURPOSE:
            try:
                return redirect(stepup.complete(assertion, pending))
            except stepup.StepUpRefused as err:
                log.info("Identity check refused: %s", type(err).__name__)
                return self._refused(err.message.translate(gettext), 403)

        civil_id = assertion.attribute(current_app.config["SAML_CIVIL_ID_ATTRIBUTE"])
        try:
            member = pki.member_for_login(civil_id)
        except pki.NoAccountForCivilId as err:
            return self._refused(err.message.translate(gettext), 200, register_link=True)
        except pki.PkiRefusal as err:
            return self._refused(err.message.translate(gettext), 403)
        pki.log_in(member, assertion, civil_id)
        return redirect(pending.return_to)

    @expose("/logout/")
    def logout(self):
        """Ends our session now, then asks the identity provider to end its own (single logout)."""
        sp = self._sp()
        sso = state.sso()
        landing = state.dashboard_path()
        flask_login.logout_user()
        state.rotate_session()
        if not sso:
            return redirect(landing)
        url, request_id = sp.logout_request(
            name_id=sso.get("name_id"), session_index=sso.get("session_index"),
            name_id_format=sso.get("name_id_format"), nq=sso.get("nq"), spnq=sso.get("spnq"),
            relay_state=landing)
        session[state.LOGOUT_KEY] = {"request_id": request_id, "return_to": landing}
        return redirect(url)

    @expose("/sls/")
    def sls(self):
        """Single logout (HTTP-Redirect): the IdP's LogoutRequest, or its answer to ours."""
        sp = self._sp()
        ours = session.get(state.LOGOUT_KEY) or {}
        try:
            outcome = sp.process_logout(ours.get("request_id"))
        except SamlRejected as err:
            log.warning("SAML logout message refused: %s", err)
            return self._refused(gettext("The logout message of the identity provider could not be accepted."), 400)
        flask_login.logout_user()
        state.rotate_session()
        if outcome.kind == "request":
            return redirect(outcome.answer_url)
        return redirect(state.safe_return_path(ours.get("return_to")) or state.dashboard_path())

    @expose("/metadata/")
    def metadata(self):
        """Our SP metadata: entity id, ACS, SLS and signing certificate, for the IdP to register."""
        response = make_response(self._sp().metadata())
        response.mimetype = "application/samlmetadata+xml"
        return response


def _single_logout_for_pki_sessions():
    """FAB's /logout/ only ends our session; a PKI session goes through single logout instead."""
    if request.endpoint != f"{current_app.appbuilder.sm.auth_view.__class__.__name__}.logout":
        return None
    session.pop(stepup.PROOF_KEY, None)
    if current_app.config.get("SAML_ENABLED") and state.sso():
        return redirect(url_for("PkiView.logout"))
    return None


def register(appbuilder: AppBuilder) -> None:
    app = current_app._get_current_object()
    check_configuration(app.config)
    appbuilder.add_view_no_menu(PkiView)
    csrf.exempt("views.pki.acs")
    app.before_request(_single_logout_for_pki_sessions)
    if app.config.get("DEV_IDP_ENABLED"):
        from app.saml.dev_idp import register as register_dev_idp

        register_dev_idp(app)
