"""The development IdP's pages: card or mobile, PIN, a demo civil ID, then a signed Response; and single logout."""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.extensions import db
from app.saml.dev_idp import bindings
from app.saml.dev_idp.issuer import Audience, Authentication, build_response, new_id, post_binding_value, sign_response
from app.saml.dev_idp.metadata import URL_PREFIX, idp_endpoints, idp_key_pair, metadata_xml
from app.saml.settings import sp_endpoints, sp_key_pair
from app.saml.state import dashboard_path
from models import Member, Signatory

blueprint = Blueprint("dev_idp", __name__, url_prefix=URL_PREFIX, template_folder="templates")

# The IdP's own state lives in its own cookie, as it would on its own site: our SP
# rotates its session at login, which must not end the IdP's memory of the login.
COOKIE = "ghurfa_dev_idp"
PIN_RE = re.compile(r"^[0-9]{4,8}$")
CIVIL_ID_RE = re.compile(r"^[0-9]{4,12}$")
MOBILE_RE = re.compile(r"^\+?[0-9]{8,15}$")
METHODS = ("card", "mobile")


@blueprint.context_processor
def _language() -> dict:
    locale = get_locale()
    return {"idp_lang": str(locale or "en"), "idp_dir": locale.text_direction if locale else "ltr"}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="ghurfa-dev-idp")


def _state() -> dict:
    try:
        value = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def _with_state(response: Response, value: dict) -> Response:
    response.set_cookie(COOKIE, _serializer().dumps(value), path=URL_PREFIX, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _now() -> dt.datetime:
    # The IdP is another system with its own (real) clock.
    return dt.datetime.now(dt.timezone.utc)


def _problem(message: str, status: int = 400) -> Response:
    return Response(render_template("dev_idp/problem.html", message=message), status)


@blueprint.get("/metadata")
def metadata() -> Response:
    return Response(metadata_xml(current_app.config), mimetype="application/samlmetadata+xml")


@blueprint.get("/sso")
def single_sign_on() -> Response:
    """An AuthnRequest from our SP (HTTP-Redirect, signed): remember it and ask how to authenticate."""
    config = current_app.config
    sp = sp_endpoints(config)
    try:
        message, relay_state = bindings.read_redirect(request.query_string.decode("latin-1"), "SAMLRequest",
                                                      sp_key_pair(config).cert_pem)
    except bindings.BindingError as err:
        return _problem(gettext("This request could not be verified: %(reason)s", reason=str(err)))
    acs_url = message.get("AssertionConsumerServiceURL")
    if (message.tag != f"{bindings.SAMLP}AuthnRequest" or not message.get("ID")
            or bindings.issuer_of(message) != sp.entity_id or (acs_url and acs_url != sp.acs_url)
            or message.get("Destination") not in (None, idp_endpoints(config).sso_url)):
        return _problem(gettext("This request does not come from a service provider known here."))
    # ForceAuthn needs no handling here: like the national IdP, this one asks for the PIN every time.
    pending = {"id": message.get("ID"), "relay_state": relay_state}
    return _with_state(redirect(url_for("dev_idp.choose")), {**_state(), "pending": pending})


@blueprint.route("/", methods=["GET", "POST"])
def choose() -> Response:
    """'Login using card' or 'Login using mobile' (with the mobile number), as the national IdP offers."""
    current = _state()
    if not current.get("pending"):
        return Response(render_template("dev_idp/idle.html", signed_in=current.get("session")))
    error = None
    if request.method == "POST":
        method = request.form.get("method")
        mobile = (request.form.get("mobile") or "").strip()
        if method not in METHODS:
            error = gettext("Choose the card or the mobile ID.")
        elif method == "mobile" and not MOBILE_RE.match(mobile):
            error = gettext("Enter the mobile number of your PKI SIM card.")
        else:
            pending = {**current["pending"], "method": method, "mobile": mobile if method == "mobile" else None}
            return _with_state(redirect(url_for("dev_idp.pin")), {**current, "pending": pending})
    return Response(render_template("dev_idp/choose.html", error=error), 400 if error else 200)


def _demo_civil_ids() -> list[tuple[str, str]]:
    """Civil IDs a developer may pose as: registered members first, then signatories at the registry."""
    choices: dict[str, str] = {}
    for member in db.session.scalars(select(Member).where(Member.id_type == "civil_id").limit(50)):
        choices.setdefault(member.id_number, member.full_name)
    for signatory in db.session.scalars(select(Signatory).where(Signatory.may_act).limit(100)):
        choices.setdefault(signatory.civil_id, signatory.name_en or signatory.name_ar or "")
    return sorted(choices.items())


@blueprint.route("/pin", methods=["GET", "POST"])
def pin() -> Response:
    """The PIN (any 4 to 8 digits here) and the civil ID to assert; then the signed Response."""
    current = _state()
    pending = current.get("pending")
    if not pending or pending.get("method") not in METHODS:
        return redirect(url_for("dev_idp.choose"))
    error = None
    if request.method == "POST":
        civil_id = (request.form.get("other_civil_id") or request.form.get("civil_id") or "").strip()
        if not PIN_RE.match(request.form.get("pin") or ""):
            error = gettext("The PIN is 4 to 8 digits.")
        elif not CIVIL_ID_RE.match(civil_id):
            error = gettext("A civil ID is 4 to 12 digits.")
        else:
            return _issue(current, pending, civil_id)
    return Response(render_template("dev_idp/pin.html", method=pending["method"], mobile=pending.get("mobile"),
                                    civil_ids=_demo_civil_ids(), error=error), 400 if error else 200)


def _issue(current: dict, pending: dict, civil_id: str) -> Response:
    config = current_app.config
    sp = sp_endpoints(config)
    now = _now()
    authentication = Authentication(civil_id=civil_id, method=pending["method"], authn_instant=now,
                                    session_index=new_id())
    xml = sign_response(
        build_response(issuer=idp_endpoints(config).entity_id, audience=Audience(sp.entity_id, sp.acs_url),
                       authentication=authentication, civil_id_attribute=config["SAML_CIVIL_ID_ATTRIBUTE"],
                       in_response_to=pending["id"], now=now),
        idp_key_pair(config))
    # The national IdP keeps no single sign-on: each request asks for the PIN again. It only
    # remembers whom it vouched for, so it can send that service a LogoutRequest later.
    state = {"session": {"name_id": civil_id, "session_index": authentication.session_index}}
    page = render_template("dev_idp/slo.html", post_to=sp.acs_url, saml_response=post_binding_value(xml),
                           relay_state=pending.get("relay_state"), return_url=None)
    return _with_state(Response(page), state)


@blueprint.route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    """Logout started at the IdP: a LogoutRequest to our SP, which ends its session and answers."""
    current = _state()
    signed_in = current.get("session")
    if request.method == "GET" or not signed_in:
        return Response(render_template("dev_idp/idle.html", signed_in=signed_in))
    config = current_app.config
    sls_url = sp_endpoints(config).sls_url
    xml, request_id = bindings.logout_request(issuer=idp_endpoints(config).entity_id, destination=sls_url,
                                              name_id=signed_in["name_id"],
                                              session_index=signed_in.get("session_index"), now=_now())
    url = bindings.redirect_url(sls_url, "SAMLRequest", xml, None, idp_key_pair(config))
    return _with_state(redirect(url), {"logout": request_id})


@blueprint.get("/slo")
def single_logout() -> Response:
    """Our SP's LogoutRequest (answered after 'Terminate'), or its answer to the IdP's own request."""
    config = current_app.config
    sp = sp_endpoints(config)
    sp_cert = sp_key_pair(config).cert_pem
    query = request.query_string.decode("latin-1")
    kind = "SAMLResponse" if "SAMLResponse" in request.args else "SAMLRequest"
    try:
        message, relay_state = bindings.read_redirect(query, kind, sp_cert)
    except bindings.BindingError as err:
        return _problem(gettext("This request could not be verified: %(reason)s", reason=str(err)))
    if bindings.issuer_of(message) != sp.entity_id:
        return _problem(gettext("This request does not come from a service provider known here."))
    if kind == "SAMLResponse":
        if message.get("InResponseTo") != _state().get("logout"):
            return _problem(gettext("This logout answer does not match a logout started here."))
        base = str(config["PUBLIC_BASE_URL"]).rstrip("/")
        page = render_template("dev_idp/slo.html", post_to=None, return_url=base + dashboard_path())
        return _with_state(Response(page), {})
    if message.tag != f"{bindings.SAMLP}LogoutRequest" or not message.get("ID"):
        abort(400)
    answer = bindings.logout_response(issuer=idp_endpoints(config).entity_id, destination=sp.sls_url,
                                      in_response_to=message.get("ID"), now=_now())
    return_url = bindings.redirect_url(sp.sls_url, "SAMLResponse", answer, relay_state, idp_key_pair(config))
    return _with_state(Response(render_template("dev_idp/slo.html", post_to=None, return_url=return_url)), {})
