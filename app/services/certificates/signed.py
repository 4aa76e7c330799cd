"""The signed PDFs the chamber hands out: certificates signed on issue and kept; receipts and credit notes signed when printed.

Design. A certificate's snapshot re-renders the same unsigned bytes every time
(`certificate_pdf`); the chamber's signature is an incremental update appended to those
bytes (app/certificates/signing.py), so it cannot be re-made identically (its time and its
timestamp differ). The signed file is therefore made once and kept (SignedCertificatePdf):

- on issue, in the issuing transaction (`sign_on_issue`): if signing fails (key, time-stamping
  authority, renderer), the certificate is issued all the same and left without a signed file,
  which is what "queued for signing" means; the file is written whole or not at all;
- on download or attachment, a certificate with no signed file is signed then (`signed_certificate_pdf`),
  and a scheduled run (`sign_queued`, `flask certificates sign-queued`) signs those left over;
- if signing still fails at download, the member gets the unsigned render (its QR check still
  works) and the certificate stays queued.

Receipts and credit notes are not kept: they are rendered from their records when printed and
signed then (`signed_document`), invisibly.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.certificates.signing import SigningFailed, sign_pdf
from app.certificates.signing_keys import SigningNotConfigured, signing_key
from app.certificates.stamp_font import stamp_font_dir
from app.services.certificates.rendering import certificate_pdf
from models import Certificate, SignedCertificatePdf

log = logging.getLogger("ghurfa.signing")

QUEUE_BATCH = 100


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _sign(pdf: bytes, *, visible: bool) -> tuple[bytes, str]:
    config = current_app.config
    key = signing_key(config)
    font_dir = stamp_font_dir(Path(current_app.static_folder) / "vendor" / "fonts", Path(config["INSTANCE_DIR"]))
    signed = sign_pdf(pdf, key, now=_now(), font_dir=font_dir, visible=visible,
                      fetch_revocation=bool(config.get("SIGNING_FETCH_REVOCATION")))
    return signed, key.subject


def _store(session: Session, certificate: Certificate) -> bytes:
    """Renders and signs the certificate and keeps the signed file (no commit); raises SigningFailed."""
    try:
        signed, signer = _sign(certificate_pdf(certificate), visible=True)
    except SigningFailed:
        raise
    except (SigningNotConfigured, OSError, ValueError, RuntimeError) as exc:
        raise SigningFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
    session.add(SignedCertificatePdf(certificate_id=certificate.id, pdf=signed, signed_at=_now().replace(tzinfo=None),
                                     signer=signer[:300]))
    session.flush()
    return signed


def sign_on_issue(session: Session, certificate: Certificate) -> bool:
    """Signs a certificate just issued (no commit); a failure leaves it queued and is never raised."""
    try:
        _store(session, certificate)  # everything that can fail happens before the row is added
        return True
    except Exception as exc:  # whatever went wrong, the order is fulfilled and the certificate issued
        log.warning("certificate %s issued unsigned, queued for signing: %s", certificate.serial, exc)
        return False


def stored_signed_pdf(session: Session, certificate: Certificate) -> bytes | None:
    return session.scalar(select(SignedCertificatePdf.pdf).where(
        SignedCertificatePdf.certificate_id == certificate.id))


def signed_certificate_pdf(session: Session, certificate: Certificate, *, keep: bool = True) -> bytes:
    """The certificate as members get it: the signed file, signed now if it was queued (and kept
    and committed when `keep`), or the unsigned render when signing fails again."""
    stored = stored_signed_pdf(session, certificate)
    if stored is not None:
        return stored
    if not keep:
        try:
            return _sign(certificate_pdf(certificate), visible=True)[0]
        except Exception as exc:  # the mail goes out with the unsigned render rather than not at all
            log.warning("certificate %s sent unsigned: %s", certificate.serial, exc)
            return certificate_pdf(certificate)
    if sign_on_issue(session, certificate):
        session.commit()
        return stored_signed_pdf(session, certificate)
    return certificate_pdf(certificate)


def queued(session: Session, *, limit: int = QUEUE_BATCH) -> list[Certificate]:
    """Certificates in force with no signed file yet, oldest first."""
    signed = select(SignedCertificatePdf.certificate_id)
    return list(session.scalars(
        select(Certificate).where(Certificate.superseded_by_id.is_(None), Certificate.revoked_at.is_(None),
                                  Certificate.id.not_in(signed))
        .order_by(Certificate.id).limit(limit)))


def sign_queued(session: Session, *, limit: int = QUEUE_BATCH) -> tuple[int, int]:
    """Signs the queued certificates, committing each one; (signed, still queued) in this batch."""
    done = failed = 0
    for certificate in queued(session, limit=limit):
        if sign_on_issue(session, certificate):
            session.commit()
            done += 1
        else:
            failed += 1
    return done, failed


def signed_document(pdf: bytes) -> bytes:
    """A receipt or credit note with the chamber's invisible signature; unsigned if signing fails."""
    try:
        return _sign(pdf, visible=False)[0]
    except Exception as exc:  # the counter prints the paper either way; its QR check still holds
        log.warning("document printed unsigned: %s", exc)
        return pdf
