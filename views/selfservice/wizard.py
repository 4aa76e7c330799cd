"""Shared parts of the self-service wizards: the member, the wizard's steps kept in the session,
the identity check, Back links, the "check your answers" page and the hand-over to the gateway.

Company data is shown only after the PKI identity check for that company
(app.services.accounts.stepup); placing the order ends the check. Every wizard keeps its answers
under its own session key (`wizard:<service>`). Each step re-reads what it needs from the
database for the logged-in member, so an id edited in a form or a URL finds nothing (404)
rather than someone else's company. Confirming twice does not place two orders: the order
placed is remembered in the wizard, reused while it is unpaid and matches the answers,
and the database allows one open order per company and service.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import datetime as dt

from flask import abort, current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.domain.errors import MembershipNeedsRenewal, VoucherNotUsable
from app.extensions import db
from app.services.settings import policies
from app.services.accounts import stepup
from app.services.registry.connection import RegistryError, registry_for
from app.infrastructure.clock import now_utc, today
from app.domain.labels import SERVICES
from app.services.payments.checkout import billing_for, start_checkout
from app.services.payments.engine import is_stale
from app.services.payments.gateway import PaymentGatewayError, gateway_name, payment_gateway
from app.services.payments.orders import member_order, place_order
from app.services.membership.quotes import RequestPlan
from app.services.membership.refusals import REFUSALS, BilingualText, OpenOrderExists
from app.services.accounts.members import member_of
from app.services.membership.access import (
    member_companies,
    member_company,
    member_membership,
    refresh_company,
    refresh_member_companies,
    signatory_id,
)
from models import Company, Member, Membership, ServiceOrder
from views.forms import user_message
from views.selfservice import registry_check

RECEIPT_ENDPOINT_PATH = "/payments/receipt"
NOTIFY_ENDPOINT_PATH = "/payments/notify"

PAYMENT_DISCLAIMER = _l("Portal currently supports payment only from local credit cards and "
                        "internationally issued credit and debit cards.")


# --- the member, the clock and the outside world ------------------------------------------

def template_helpers() -> dict:
    """What the self-service templates use besides the display filters: names in the reader's language."""
    return {
        "pick": lambda en, ar: str(BilingualText(en or "", ar or "")),
        "company_name": local_name,
        "disclaimer": PAYMENT_DISCLAIMER,
    }


def render_page(template: str, status: int = 200, **context):
    """A self-service page in the portal layout, with the template helpers."""
    for name, value in template_helpers().items():
        context.setdefault(name, value)
    context.setdefault("appbuilder", current_app.appbuilder)
    context.setdefault("current_app", current_app)
    context.setdefault("base_template", current_app.appbuilder.base_template)
    return make_response(render_template(template, **context), status)


def current_member() -> Member:
    """The logged-in user's verified member account; anyone else gets 403."""
    member = member_of(db.session, g.user.id)
    if member is None or not member.verified or not signatory_id(member):
        abort(render_page("selfservice/not_a_member.html", 403))
    return member


def clock_today() -> dt.date:
    return today(current_app.config)


def clock_now() -> dt.datetime:
    return now_utc(current_app.config)


def grace_days() -> int:
    return policies.grace_days(current_app.config)


def registry():
    return registry_for(current_app.config)


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


# --- identity check ---------------------------------------------------------------------------

def require_step_up(company_id: int, return_to: str):
    """None when a fresh PKI proof for this company is in the session, else the redirect to the IdP."""
    sign_in = stepup.require(company_id, return_to)
    return redirect(sign_in) if sign_in is not None else None


# --- the wizard's answers ---------------------------------------------------------------------

class WizardState:
    """One wizard's answers in the session."""

    def __init__(self, service: str) -> None:
        self.key = f"wizard:{service}"

    @property
    def data(self) -> dict:
        return dict(session.get(self.key) or {})

    def get(self, name: str, default=None):
        return self.data.get(name, default)

    def update(self, **values) -> None:
        session[self.key] = {**self.data, **values}

    def keep_only(self, *names: str) -> None:
        """Forget the answers after `names` (a changed earlier answer invalidates later ones)."""
        session[self.key] = {k: v for k, v in self.data.items() if k in names}

    def clear(self) -> None:
        session.pop(self.key, None)


# --- handing over to the gateway ----------------------------------------------------------------

def checkout_response(order: ServiceOrder, member: Member):
    """Opens a payment attempt for the order and the page that posts it to the hosted checkout."""
    config = current_app.config
    notify = public_url(NOTIFY_ENDPOINT_PATH) if config.get("PAYMENT_NOTIFY", True) else None
    try:
        action_url, fields = start_checkout(
            db.session, order, gateway=payment_gateway(), gateway_name=gateway_name(config),
            billing=billing_for(member, g.user, order.company), locale=str(get_locale() or "en"),
            receipt_url=public_url(RECEIPT_ENDPOINT_PATH), notify_url=notify, now=clock_now(),
            today=clock_today())
    except REFUSALS as error:
        return render_page("selfservice/message.html", 409, title=_l("Payment"), message=user_message(error),
                           link=url_for("SelfServiceReceiptView.receipt", reference=order.reference))
    except PaymentGatewayError as error:
        current_app.logger.error("checkout for %s refused by the gateway: %s", order.reference, error)
        return render_page("selfservice/message.html", 502, title=_l("Payment"), message=str(error.message),
                           link=url_for("SelfServiceReceiptView.receipt", reference=order.reference))
    response = render_page("selfservice/to_gateway.html", action_url=action_url, fields=fields, order=order)
    response.headers["Cache-Control"] = "no-store"
    return response


def _order_matches(order: ServiceOrder, plan: RequestPlan) -> bool:
    return (order.service == plan.service and order.company_id == plan.company.id
            and order.total == plan.quote.total
            and {k: v for k, v in order.details.items() if k != "result"} == plan.details)


# --- the wizard base -----------------------------------------------------------------------------

class ServiceWizard(BaseView, ABC):
    """Steps shared by every service: details (after the identity check), check your answers, pay."""

    service: str = ""
    default_view = "start"
    details_template = ""

    # -- hooks for each service --
    @abstractmethod
    def subject(self, member: Member) -> tuple[Company, Membership | None] | None:
        """The company (and membership) this member chose and may act for, or None."""

    @abstractmethod
    def plan(self, company: Company, membership: Membership | None) -> RequestPlan:
        """The quote and what the request will do once paid."""

    def details_context(self, company: Company, membership: Membership | None) -> dict:
        return {}

    def eligibility(self, company: Company, membership: Membership | None) -> Exception | None:
        """Why this request cannot go ahead, shown on the details page (None: it can)."""
        try:
            self.plan(company, membership)
        except REFUSALS as refusal:
            return refusal
        return None

    def save_details(self, form, company: Company, membership: Membership | None) -> str:
        """Stores the details step's answers; returns the URL of the next step."""
        return url_for(".check")

    # The step after the member chose a company, and which of their companies the first page offers.
    after_company_step = ".details"

    def offered_companies(self, companies: list[Company]) -> list[Company]:
        return companies

    def refusal_at_choice(self, member: Member) -> Exception | None:
        """Why the chosen company cannot have this service, when the choice alone decides it."""
        if self.after_company_step != ".details":
            return None
        found = self.subject(member)
        return self.eligibility(*found) if found is not None else None

    @expose("/", methods=["GET", "POST"])
    @has_access
    def start(self):
        """The first step of every service: the member chooses one of the companies the registry lists under them."""
        member = current_member()
        home = url_for("MemberPortalView.dashboard")
        if request.method == "POST" and request.form.get("check_again"):
            registry_check.forget()
            return redirect(url_for(".start"))
        if request.method == "POST":
            cr_number = choose(request.form, "cr_number")
            try:
                company = refresh_company(db.session, registry(), member, cr_number)
            except RegistryError as error:
                return self.registry_down(error, url_for(".start"))
            except REFUSALS as refusal:
                return self.page("selfservice/message.html", 404, message=user_message(refusal),
                                 link=url_for(".start"))
            if company is None:
                abort(404)
            self.state.clear()
            self.state.update(cr=cr_number)
            refusal = self.refusal_at_choice(member)
            if refusal is not None:
                # Already a member, say: known now, so said before the identity check.
                self.state.clear()
                return self.page("selfservice/choose_company.html", 422, companies=self.offered_companies(
                    member_companies(db.session, member)), selected=cr_number, error=user_message(refusal),
                    back_url=home)
            return redirect(url_for(self.after_company_step))
        now = clock_now()
        if registry_check.due(member, now, int(current_app.config["REGISTRY_REFRESH_MINUTES"])):
            try:
                companies = refresh_member_companies(db.session, registry(), member)
            except RegistryError as error:
                return self.registry_down(error, home)
            registry_check.mark(member, now)
        else:
            companies = member_companies(db.session, member)
        return self.page("selfservice/choose_company.html", companies=self.offered_companies(companies),
                         selected=self.state.get("cr"), back_url=home, checked_at=registry_check.checked_at(member))

    def summary_rows(self, plan: RequestPlan) -> list[tuple]:
        return []

    def back_from_details(self) -> str:
        return url_for(".start")

    def back_from_check(self) -> str:
        return url_for(".details")

    # -- shared machinery --
    @property
    def state(self) -> WizardState:
        return WizardState(self.service)

    @property
    def title(self):
        return _l(SERVICES[self.service])

    def page(self, template: str, status: int = 200, **context):
        context.setdefault("title", self.title)
        context.setdefault("service", self.service)
        return render_page(template, status, **context)

    def registry_down(self, error: RegistryError, back_url: str):
        current_app.logger.warning("registry unavailable for %s: %s", self.service, getattr(error, "detail", error))
        return self.page("selfservice/message.html", 503, message=str(error.message), link=back_url)

    def checked_subject(self, step: str):
        """The member, company and membership of a step after the first, with the response to
        send instead when there is none (back to the start) or no fresh identity check (to the IdP)."""
        member = current_member()
        found = self.subject(member)
        if found is None:
            return (member, None, None), redirect(url_for(".start"))
        company, membership = found
        return (member, company, membership), require_step_up(company.id, url_for(step))

    @expose("/details", methods=["GET", "POST"])
    @has_access
    def details(self):
        member = current_member()
        found = self.subject(member)
        if found is None:
            return redirect(url_for(".start"))
        company, membership = found
        if request.method == "GET":
            # What the portal already knows refuses the request before the identity check is asked for.
            early = self.eligibility(company, membership)
            if early is not None:
                return self.page("selfservice/message.html", 422, message=user_message(early),
                                 membership=membership, needs_renewal=isinstance(early, MembershipNeedsRenewal),
                                 link=self.back_from_details())
        gate = require_step_up(company.id, url_for(".details"))
        if gate is not None:
            return gate
        error = refusal = None
        if request.method == "POST":
            try:
                return redirect(self.save_details(request.form, company, membership))
            except REFUSALS as problem:
                error = user_message(problem)
        else:
            refusal = self.eligibility(company, membership)
            error = user_message(refusal) if refusal is not None else None
        return self.page(self.details_template, 200 if error is None else 422, company=company,
                         membership=membership, member=member, error=error, refused=refusal is not None,
                         needs_renewal=isinstance(refusal, MembershipNeedsRenewal),
                         back_url=self.back_from_details(), **self.details_context(company, membership))

    @expose("/check", methods=["GET", "POST"])
    @has_access
    def check(self):
        (member, company, membership), elsewhere = self.checked_subject(".check")
        if elsewhere is not None:
            return elsewhere
        context = {"company": company, "membership": membership, "back_url": self.back_from_check()}
        try:
            plan = self.plan(company, membership)
        except REFUSALS as refusal:
            return self.page("selfservice/check.html", 422, error=user_message(refusal), plan=None, **context)
        if request.method == "POST":
            return self._confirm(member, plan, context)
        return self.page("selfservice/check.html", plan=plan, rows=self.summary_rows(plan), **context)

    def _confirm(self, member: Member, plan: RequestPlan, context: dict):
        now = clock_now()
        reference = self.state.get("order")
        order = member_order(db.session, g.user.id, reference) if reference else None
        reusable = (order is not None and order.status == "pending_payment" and not is_stale(order, now)
                    and _order_matches(order, plan))
        if not reusable:
            try:
                order = place_order(db.session, plan, user_id=g.user.id, now=now,
                                    ttl_minutes=policies.order_ttl_minutes(current_app.config),
                                    gateway=payment_gateway(), seen_fingerprint=request.form.get("fingerprint"))
            except VoucherNotUsable as refusal:
                return self._without_voucher(refusal, context)
            except OpenOrderExists as refusal:
                mine = member_order(db.session, g.user.id, refusal.reference)
                return self.page("selfservice/check.html", 409, error=user_message(refusal), plan=plan,
                                 rows=self.summary_rows(plan), open_order=mine, **context)
            except REFUSALS as refusal:
                return self.page("selfservice/check.html", 409, error=user_message(refusal), plan=plan,
                                 rows=self.summary_rows(plan), **context)
            self.state.update(order=order.reference)
        # The identity check covered this transaction; another one needs a new check.
        stepup.clear()
        if order.status == "fulfilled":
            self.state.clear()
            return redirect(url_for("SelfServiceReceiptView.receipt", reference=order.reference), 303)
        return checkout_response(order, member)

    def _without_voucher(self, refusal: VoucherNotUsable, context: dict):
        """The voucher went to another request a moment ago: show the price without it, to confirm again."""
        self.state.update(voucher="")
        try:
            plan = self.plan(context["company"], context["membership"])
        except REFUSALS as problem:
            return self.page("selfservice/check.html", 409, error=user_message(problem), plan=None, **context)
        return self.page("selfservice/check.html", 409, error=user_message(refusal), plan=plan,
                         rows=self.summary_rows(plan), **context)


def choose(form, name: str) -> str:
    """A required choice from a wizard form; a missing one is a malformed request."""
    value = (form.get(name) or "").strip()
    if not value or len(value) > 20:
        abort(400)
    return value


def local_name(record) -> str:
    """A grade's or company's name in the reader's language."""
    return str(BilingualText(record.name_en or "", record.name_ar or "")) if record is not None else ""


def iso(day: dt.date | str | None) -> str:
    if day is None:
        return ""
    return day if isinstance(day, str) else day.isoformat()


class MembershipServiceWizard(ServiceWizard):
    """Services on an existing membership: choose the CR, then the OCCI number, then the details."""

    def subject(self, member: Member):
        cr_number, occi_number = self.state.get("cr"), self.state.get("occi")
        if not cr_number or not occi_number:
            return None
        membership = member_membership(db.session, member, cr_number, occi_number)
        return (membership.company, membership) if membership is not None else None

    after_company_step = ".membership"

    def back_from_details(self) -> str:
        return url_for(".membership")

    def offered_companies(self, companies: list[Company]) -> list[Company]:
        return [company for company in companies if company.memberships]

    def membership_rows(self, plan: RequestPlan) -> list[tuple]:
        """The membership a request is about, first on the check-your-answers page."""
        membership = plan.membership
        return [
            (_l("CR number"), plan.company.cr_number),
            (_l("OCCI number"), membership.occi_number),
            (_l("Grade"), local_name(membership.grade)),
            (_l("Expiry date"), iso(membership.expires_on)),
        ]

    @expose("/membership", methods=["GET", "POST"])
    @has_access
    def membership(self):
        member = current_member()
        company = member_company(db.session, member, self.state.get("cr") or "")
        if company is None:
            return redirect(url_for(".start"))
        if request.method == "POST":
            occi_number = choose(request.form, "occi_number")
            membership = member_membership(db.session, member, company.cr_number, occi_number)
            if membership is None:
                abort(404)
            refusal = self.eligibility(company, membership)
            if refusal is not None:
                # Said here, before the identity check: nothing the member proves would change it.
                return self.page("selfservice/choose_membership.html", 422, company=company,
                                 memberships=company.memberships, selected=occi_number, membership=membership,
                                 error=user_message(refusal),
                                 needs_renewal=isinstance(refusal, MembershipNeedsRenewal),
                                 back_url=url_for(".start"))
            self.state.keep_only("cr")
            self.state.update(occi=occi_number)
            return redirect(url_for(".details"))
        return self.page("selfservice/choose_membership.html", company=company,
                         memberships=company.memberships, selected=self.state.get("occi"),
                         back_url=url_for(".start"))
