"""The identity check before each transaction: the member authenticates at the IdP again, as a signatory of the company.

Self-service flows call `require(company_id, return_to)` before they show company data:
it answers None when a fresh proof for that company is in the session, else the identity
provider's sign-in request the member must be sent to. The ACS hands the IdP's answer to `complete()`; `clear()` ends the
proof once the transaction is done.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import flask_login
from flask import current_app, session
from sqlalchemy import select

from app.domain.messages import N_
from app.extensions import db
from app.saml import state
from app.saml.sp import ServiceProvider, ValidatedAssertion
from app.services.audit import trail as audit
from app.infrastructure.clock import now_utc
from app.services.accounts.pki import PkiRefusal
from models import Company, Member, Signatory

PROOF_KEY = "step_up"
PURPOSE = "step_up"


@dataclass(frozen=True)
class StepUpProof:
    """The member proved, at `at` (naive UTC), to hold `civil_id`, a signatory of company `company_id`."""

    company_id: int
    civil_id: str
    at: dt.datetime


class StepUpRefused(PkiRefusal):
    message_id = N_("The identity check for this transaction was refused.")


class NotLoggedIn(StepUpRefused):
    message_id = N_("Please log in to the portal before the identity check.")


class CivilIdMismatch(StepUpRefused):
    message_id = N_(
        "The card or mobile ID you used belongs to another civil ID than the one registered "
        "with your account. Use your own civil ID card or mobile ID."
    )


class NotASignatory(StepUpRefused):
    message_id = N_(
        "Civil ID %(civil_id)s is not an authorised signatory of company %(cr_number)s "
        "at the commercial registry, so it cannot act for this company."
    )


class UnknownCompany(StepUpRefused):
    message_id = N_("This company is not known to the chamber.")


class StaleAuthentication(StepUpRefused):
    message_id = N_(
        "The identity provider did not ask for your PIN again for this transaction. "
        "Please start the identity check again."
    )


def _config():
    return current_app.config


def _max_age() -> dt.timedelta:
    return dt.timedelta(seconds=int(_config().get("SAML_STEP_UP_MAX_AGE_SECONDS", 300)))


def _skew() -> dt.timedelta:
    return dt.timedelta(seconds=int(_config().get("SAML_CLOCK_SKEW_SECONDS", 60)))


def _current_member() -> Member | None:
    user = flask_login.current_user
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Member).where(Member.user_id == user.id))


def _is_active_signatory(company_id: int, civil_id: str) -> bool:
    return db.session.scalar(
        select(Signatory.id).where(Signatory.company_id == company_id, Signatory.civil_id == civil_id,
                                   Signatory.may_act)
    ) is not None


def begin(company_id: int, return_to: str) -> str:
    """Starts a fresh authentication (ForceAuthn) for this company; returns the IdP's sign-in request to send the member to."""
    path = state.safe_return_path(return_to) or state.dashboard_path()
    url, request_id = ServiceProvider(_config()).authn_request(force_authn=True, relay_state=path)
    state.remember_request(request_id, PURPOSE, path, now_utc(_config()), company_id=int(company_id))
    clear()
    return url


def complete(assertion: ValidatedAssertion, pending: state.PendingRequest) -> str:
    """Checks the IdP's answer to a step-up and records the proof; returns where to continue.

    Raises StepUpRefused (nothing recorded) when the person is not the member, not a
    signatory of the company, or the IdP did not authenticate them just now.
    """
    now = now_utc(_config())
    member = _current_member()
    if member is None:
        raise NotLoggedIn()
    civil_id = assertion.attribute(_config()["SAML_CIVIL_ID_ATTRIBUTE"])
    if not civil_id or member.id_type != "civil_id" or civil_id != member.id_number:
        raise CivilIdMismatch()
    company = db.session.get(Company, pending.company_id) if pending.company_id is not None else None
    if company is None:
        raise UnknownCompany()
    if not _is_active_signatory(company.id, civil_id):
        raise NotASignatory(civil_id=civil_id, cr_number=company.cr_number)
    # ForceAuthn asks the IdP for a new authentication; the AuthnInstant shows whether it did.
    age = now - assertion.authn_instant
    if age > _max_age() + _skew() or age < -_skew():
        raise StaleAuthentication()
    session[PROOF_KEY] = {"company_id": company.id, "civil_id": civil_id, "user_id": member.user_id,
                          "at": assertion.authn_instant.isoformat()}
    state.remember_sso(name_id=assertion.name_id, name_id_format=assertion.name_id_format,
                       nq=assertion.name_id_nq, spnq=assertion.name_id_spnq,
                       session_index=assertion.session_index, civil_id=civil_id)
    audit.record(db.session, "step_up", "company", str(company.id),
                 {"civil_id": civil_id, "authn_instant": assertion.authn_instant.isoformat()})
    db.session.commit()
    return pending.return_to


def current_proof(company_id: int) -> StepUpProof | None:
    """The session's proof for this company, if still fresh and its civil ID still the member's and a signatory."""
    raw = session.get(PROOF_KEY)
    if not isinstance(raw, dict) or raw.get("company_id") != int(company_id):
        return None
    try:
        proof = StepUpProof(company_id=raw["company_id"], civil_id=raw["civil_id"],
                            at=dt.datetime.fromisoformat(raw["at"]))
    except (KeyError, TypeError, ValueError):
        return None
    if now_utc(_config()) - proof.at > _max_age():
        return None
    member = _current_member()
    if member is None or member.user_id != raw.get("user_id") or member.id_number != proof.civil_id:
        return None
    if not _is_active_signatory(proof.company_id, proof.civil_id):
        return None
    return proof


def require(company_id: int, return_to: str) -> str | None:
    """None when a fresh proof for the company exists; else the IdP's sign-in request that starts the check."""
    if current_proof(company_id) is not None:
        return None
    return begin(company_id, return_to)


def clear() -> None:
    """Ends the proof (after the transaction completed, or when a new check starts)."""
    session.pop(PROOF_KEY, None)
