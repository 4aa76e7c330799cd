"""Checking a certificate PDF someone was given: the chamber's signature, then the register's word on the certificate.

The file is read in memory and forgotten: nothing of it is stored or logged. The answer is an
outcome code (labelled in app/domain/labels.py: SIGNATURE_CHECKS) and, for a genuine
certificate, the certificate with its status today (valid, expired, superseded or revoked).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from app.certificates import signature_check
from app.certificates.signing_keys import SigningNotConfigured, signing_key
from app.services.certificates.issue import certificate_status, find_for_check, latest_in_chain
from models import Certificate

log = logging.getLogger("ghurfa.signing")

#: Outcomes besides signature_check's: genuine, but not a certificate of the register; the
#: check cannot run (no key configured); the file is larger than accepted.
NOT_A_CERTIFICATE, UNAVAILABLE, TOO_LARGE = "not_a_certificate", "unavailable", "too_large"


@dataclass(frozen=True)
class PdfCheck:
    outcome: str
    certificate: Certificate | None = None
    status: str | None = None  # valid, expired, superseded or revoked, for a genuine certificate
    newer: Certificate | None = None  # the certificate that replaced it, when superseded
    signed_at: dt.datetime | None = None

    @property
    def genuine(self) -> bool:
        return self.certificate is not None


def check_pdf(session: Session, data: bytes, *, today: dt.date) -> PdfCheck:
    """What the chamber can say about these bytes; never raises for anything a file can hold."""
    if len(data) > int(current_app.config["SIGNED_PDF_MAX_BYTES"]):
        return PdfCheck(TOO_LARGE)
    try:
        key = signing_key(current_app.config)
    except SigningNotConfigured as exc:
        log.error("the PDF check cannot run: %s", exc)
        return PdfCheck(UNAVAILABLE)
    result = signature_check.check_signed_pdf(data, key)
    if result.outcome != signature_check.GENUINE:
        return PdfCheck(result.outcome)
    certificate = find_for_check(session, serial=result.serial) if result.serial else None
    if certificate is None:
        # Signed by the chamber and unaltered, but not one of its certificates (a receipt, say).
        return PdfCheck(NOT_A_CERTIFICATE, signed_at=result.signed_at)
    status = certificate_status(certificate, today)
    newer = latest_in_chain(session, certificate) if status == "superseded" else None
    return PdfCheck(signature_check.GENUINE, certificate=certificate, status=status, newer=newer,
                    signed_at=result.signed_at)
