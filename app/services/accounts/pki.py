"""Logging a member in with the national PKI: each assertion used once, then the verified account with that civil ID."""
from __future__ import annotations

import datetime as dt
import logging

import flask_login
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.domain.errors import TranslatableError
from app.domain.messages import N_
from app.extensions import db
from app.saml import state
from app.saml.sp import ValidatedAssertion
from app.services.audit import trail as audit
from models import Member
from models.saml import SamlAssertion

log = logging.getLogger("ghurfa.pki")


class PkiRefusal(TranslatableError):
    """A PKI login or identity check we refuse; nothing has been changed."""

    message_id = N_("The identity check could not be completed. Please try again.")


class AssertionRejected(PkiRefusal):
    message_id = N_("The answer of the identity provider could not be accepted. Please start again.")


class AssertionReplayed(AssertionRejected):
    message_id = N_("This answer of the identity provider has already been used. Please start again.")


class CivilIdMissing(PkiRefusal):
    message_id = N_("The identity provider did not tell us your civil ID. Please try again.")


class NoAccountForCivilId(PkiRefusal):
    message_id = N_("No portal account is registered for civil ID %(civil_id)s.")


class AccountNotVerified(PkiRefusal):
    message_id = N_(
        "Your account's email address and mobile number must be verified before you can log in "
        "with your civil ID. Log in with your password to finish verifying them."
    )


class AccountInactive(PkiRefusal):
    message_id = N_("This account is disabled. Please contact the chamber.")


def consume_assertion(assertion: ValidatedAssertion, now: dt.datetime) -> None:
    """Stores the assertion's id; a second use, in this or any other worker, is refused.

    The id is the table's primary key, so two workers racing with the same response
    cannot both succeed: the database lets one insert through and fails the other.
    """
    skew = dt.timedelta(seconds=int(current_app.config.get("SAML_CLOCK_SKEW_SECONDS", 60)))
    purge_expired(now - skew)
    db.session.add(SamlAssertion(assertion_id=assertion.assertion_id, issuer=assertion.issuer,
                                 not_on_or_after=assertion.not_on_or_after + skew, received_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.warning("Replayed SAML assertion %s refused", assertion.assertion_id)
        raise AssertionReplayed() from None


def purge_expired(before: dt.datetime) -> int:
    """Forgets assertions that expired before `before`: their own validity refuses them from then on."""
    result = db.session.execute(delete(SamlAssertion).where(SamlAssertion.not_on_or_after < before))
    return result.rowcount or 0


def member_for_login(civil_id: str | None) -> Member:
    """The verified, active member account registered with this civil ID."""
    if not civil_id:
        raise CivilIdMissing()
    member = db.session.scalar(
        select(Member).where(Member.id_type == "civil_id", Member.id_number == civil_id)
    )
    if member is None:
        raise NoAccountForCivilId(civil_id=civil_id)
    if not member.verified:
        raise AccountNotVerified()
    if not member.user.active:
        raise AccountInactive()
    return member


def log_in(member: Member, assertion: ValidatedAssertion, civil_id: str) -> None:
    """Starts a fresh session for the member and remembers the IdP session for single logout."""
    user = member.user
    state.rotate_session()
    flask_login.login_user(user, remember=False)
    state.remember_sso(name_id=assertion.name_id, name_id_format=assertion.name_id_format,
                       nq=assertion.name_id_nq, spnq=assertion.name_id_spnq,
                       session_index=assertion.session_index, civil_id=civil_id)
    with audit.acting_as(user.username, user.id):
        audit.record(db.session, "login", "ab_user", str(user.id), {"method": "pki"})
        # Also commits the audit entry: FAB's login statistics are saved in the same transaction.
        current_app.appbuilder.sm.update_user_auth_stat(user, success=True)
    db.session.commit()
