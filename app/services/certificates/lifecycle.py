"""A certificate's life after issue: revoked by staff with a reason, reissued, and kept in step with its membership.

Whatever changes what a certificate prints (a membership's expiry or grade, the company's
names), by whichever path (an admin's edit, a service, a refund), the certificate in force
is reconciled in the same transaction: `watch_certificates` notes the membership at flush
and, just before the commit, a certificate that no longer matches is superseded by a new one
while the membership is still current, or revoked ("the membership changed") when it is not.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.domain.membership import certificate_dates_valid
from app.domain.messages import N_
from app.infrastructure.clock import now_utc, today as chamber_today
from app.services.audit.trail import current_actor
from app.services.certificates.issue import current_certificate, issue_certificate, snapshot_of
from app.services.membership.refusals import ServiceRefusal
from models import Certificate, Company, Membership

log = logging.getLogger("ghurfa.certificates")

# Reasons staff choose from; "other" needs a text.
STAFF_REVOKE_REASONS = ("issued_in_error", "membership_cancelled", "fraud", "other")
REVOKE_REASONS = {
    "issued_in_error": N_("Issued in error"),
    "membership_cancelled": N_("Membership cancelled"),
    "fraud": N_("Fraud"),
    "other": N_("Other"),
    # Set by the chamber's own rules, never chosen by staff.
    "membership_changed": N_("The membership changed after the certificate was issued"),
    "refunded": N_("The payment for the service was refunded"),
}
# What a certificate prints that a change to its membership or company can make untrue.
PRINTED_FACTS = ("company_name_en", "company_name_ar", "cr_number", "grade_en", "grade_ar", "occi_number",
                 "expires_on")
_MEMBERSHIP_FIELDS = ("expires_on", "grade_id", "grade", "occi_number")
_COMPANY_FIELDS = ("name_en", "name_ar", "cr_number")
_WATCHED = "ghurfa_certificates_to_check"


class CertificateAlreadyRevoked(ServiceRefusal):
    message_id = N_("Certificate %(serial)s was already revoked.")


class RevokeReasonNeeded(ServiceRefusal):
    message_id = N_("Choose why the certificate is revoked; for “Other”, describe the reason.")


class MembershipNotCurrent(ServiceRefusal):
    message_id = N_("Membership %(occi_number)s has expired, so no certificate can be issued: renew it first.")


def revoke(session: Session, certificate: Certificate, *, reason: str, note: str | None = None,
           now: dt.datetime, by: str | None = None, allowed: tuple[str, ...] = STAFF_REVOKE_REASONS) -> None:
    """Revokes a certificate (no commit): it is never valid again, whatever its dates."""
    note = (note or "").strip()[:300] or None
    if reason not in allowed or (reason == "other" and not note):
        raise RevokeReasonNeeded()
    if certificate.revoked_at is not None:
        raise CertificateAlreadyRevoked(serial=certificate.serial)
    certificate.revoked_at = now
    certificate.revoked_by = (by or current_actor()[0])[:128]
    certificate.revoke_reason = reason
    certificate.revoke_note = note
    session.flush()
    log.info("certificate %s revoked (%s)", certificate.serial, reason)


def reissue(session: Session, membership: Membership, *, today: dt.date) -> Certificate:
    """A new certificate for the membership as it stands (no commit); the one in force is superseded."""
    if not certificate_dates_valid(today, membership.expires_on):
        raise MembershipNotCurrent(occi_number=membership.occi_number)
    return issue_certificate(session, membership, today=today)


def still_true(certificate: Certificate, membership: Membership) -> bool:
    """Whether the certificate still prints what the chamber holds about the membership and company."""
    now = snapshot_of(membership, serial=certificate.serial, issued_on=certificate.issued_on)
    return all(certificate.snapshot.get(key) == now.get(key) for key in PRINTED_FACTS)


def reconcile(session: Session, membership: Membership, *, today: dt.date, now: dt.datetime) -> Certificate | None:
    """Brings the membership's certificate in force in step with it (no commit); the new one if issued."""
    current = current_certificate(session, membership.id)
    if current is None or still_true(current, membership):
        return None
    if certificate_dates_valid(today, membership.expires_on):
        log.info("certificate %s superseded: membership %s changed", current.serial, membership.occi_number)
        return issue_certificate(session, membership, today=today)
    revoke(session, current, reason="membership_changed", now=now, allowed=("membership_changed",))
    return None


def _changed(obj, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(name in state.attrs and state.attrs[name].history.has_changes() for name in fields)


def _note_changes(session: Session, flush_context, instances) -> None:
    watched = session.info.setdefault(_WATCHED, {"memberships": set(), "companies": set()})
    for obj in session.dirty:
        if isinstance(obj, Membership) and _changed(obj, _MEMBERSHIP_FIELDS):
            watched["memberships"].add(obj.id)
        elif isinstance(obj, Company) and _changed(obj, _COMPANY_FIELDS):
            watched["companies"].add(obj.id)


def _reconcile_before_commit(session: Session) -> None:
    if not has_app_context():
        return
    unflushed = any(isinstance(obj, (Membership, Company)) for obj in session.dirty)
    if not unflushed and not any((session.info.get(_WATCHED) or {}).values()):
        return
    config = current_app.config
    for _ in range(3):  # reconciling writes certificates only, so one more round finds nothing
        session.flush()
        watched = session.info.pop(_WATCHED, None) or {}
        ids = set(watched.get("memberships", ()))
        if watched.get("companies"):
            ids |= set(session.scalars(select(Membership.id).where(Membership.company_id.in_(watched["companies"]))))
        if not ids:
            return
        today, now = chamber_today(config), now_utc(config)
        for membership in session.scalars(select(Membership).where(Membership.id.in_(ids)).order_by(Membership.id)):
            reconcile(session, membership, today=today, now=now)


def _forget(session: Session, *args) -> None:
    session.info.pop(_WATCHED, None)


def watch_certificates(session_class) -> None:
    """Attaches the reconciliation to a session class (Flask-SQLAlchemy's, for the app)."""
    if not event.contains(session_class, "before_flush", _note_changes):
        event.listen(session_class, "before_flush", _note_changes)
        event.listen(session_class, "before_commit", _reconcile_before_commit)
        event.listen(session_class, "after_rollback", _forget)
