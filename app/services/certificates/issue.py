"""Issuing membership certificates: a snapshot of what is printed, a serial, a secret verification token.

A certificate is never changed once issued. Reissuing (renewal, replacement, name or
grade change) creates a new certificate and marks the previous current one as
superseded by it, in the same transaction.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.membership import check_certificate_dates
from app.services.certificates.rendering import certificate_pdf, verify_url  # noqa: F401  (where callers look)
from app.services.certificates.signed import sign_on_issue
from app.services.settings.chamber_details import chamber_details
from models import Certificate, Membership, ServiceOrder

SERIAL_ATTEMPTS = 5


def snapshot_of(membership: Membership, *, serial: str, issued_on: dt.date) -> dict:
    """Everything the certificate prints, as JSON-safe values, frozen at issue time."""
    company = membership.company
    governorate = company.governorate
    chamber = chamber_details()
    return {
        "serial": serial,
        "chamber_name_en": chamber.name_en,
        "chamber_name_ar": chamber.name_ar,
        "chamber_address_en": chamber.address_en,
        "chamber_address_ar": chamber.address_ar,
        "chamber_phone": chamber.phone,
        "signatory_name_en": chamber.signatory_name_en,
        "signatory_name_ar": chamber.signatory_name_ar,
        "signatory_title_en": chamber.signatory_title_en,
        "signatory_title_ar": chamber.signatory_title_ar,
        "company_name_en": company.name_en,
        "company_name_ar": company.name_ar,
        "cr_number": company.cr_number,
        "grade_en": membership.grade.name_en,
        "grade_ar": membership.grade.name_ar,
        "occi_number": membership.occi_number,
        "issued_on": issued_on.isoformat(),
        "expires_on": membership.expires_on.isoformat(),
        "head_office_en": governorate.name_en if governorate else "",
        "head_office_ar": governorate.name_ar if governorate else "",
    }


def current_certificate(session: Session, membership_id: int) -> Certificate | None:
    """The membership's certificate in force: neither superseded nor revoked (it may have expired)."""
    return session.scalar(
        select(Certificate).where(Certificate.membership_id == membership_id,
                                  Certificate.superseded_by_id.is_(None), Certificate.revoked_at.is_(None))
        .order_by(Certificate.id.desc()).limit(1)
    )


def _new_serial(session: Session, issued_on: dt.date) -> str:
    for _ in range(SERIAL_ATTEMPTS):
        serial = f"{issued_on:%Y}-{secrets.token_hex(4).upper()}"
        if session.scalar(select(Certificate.id).where(Certificate.serial == serial)) is None:
            return serial
    raise RuntimeError("could not allocate a certificate serial")


def issue_certificate(session: Session, membership: Membership, *, order: ServiceOrder | None = None,
                      today: dt.date) -> Certificate:
    """Issues the membership's new current certificate (no commit); supersedes the previous one."""
    check_certificate_dates(today, membership.expires_on)
    previous = current_certificate(session, membership.id) if membership.id else None
    serial = _new_serial(session, today)
    certificate = Certificate(
        serial=serial,
        verify_token=secrets.token_urlsafe(32),
        membership=membership,
        order_id=order.id if order is not None else None,
        issued_on=today,
        expires_on=membership.expires_on,
        snapshot=snapshot_of(membership, serial=serial, issued_on=today),
    )
    session.add(certificate)
    session.flush()
    if previous is not None:
        previous.superseded_by_id = certificate.id
        previous.superseded_at = _utcnow()
    sign_on_issue(session, certificate)  # never raises: a failure leaves it queued for signing
    return certificate


def _utcnow() -> dt.datetime:
    from app.infrastructure.clock import now_utc

    return now_utc(current_app.config)


def certificate_status(certificate: Certificate, today: dt.date) -> str:
    """revoked, superseded (a newer certificate replaced it), expired or valid: never valid unless all is well."""
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.superseded_by_id is not None:
        return "superseded"
    return "expired" if certificate.expires_on < today else "valid"


def latest_in_chain(session: Session, certificate: Certificate) -> Certificate:
    """The newest certificate that (directly or not) superseded this one."""
    seen = {certificate.id}
    while certificate.superseded_by_id is not None and certificate.superseded_by_id not in seen:
        certificate = session.get(Certificate, certificate.superseded_by_id)
        seen.add(certificate.id)
    return certificate


def find_for_check(session: Session, *, token: str | None = None, serial: str | None = None) -> Certificate | None:
    if token:
        return session.scalar(select(Certificate).where(Certificate.verify_token == token))
    if serial:
        return session.scalar(select(Certificate).where(Certificate.serial == serial.strip().upper()))
    return None
