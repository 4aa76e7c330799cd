"""Checks a PDF someone was given: is it signed by the chamber's key, unaltered since, and time-stamped?

Nothing here reads the database: the answer is an outcome code (labelled in
app/domain/labels.py: SIGNATURE_CHECKS) and, for a genuine certificate, its serial as the signed
revision records it (the document title "Membership Certificate <serial>"), for the service
(app/services/certificates/checking.py) to look up.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from app.certificates.event_loop import outside_event_loop
from app.certificates.signing_keys import SigningKey

log = logging.getLogger("ghurfa.signing")

#: Outcomes, worst first; "genuine" is the only good one.
NOT_PDF, MALFORMED, UNSIGNED, ALTERED, OTHER_SIGNER, NO_TIMESTAMP, GENUINE = (
    "not_pdf", "malformed", "unsigned", "altered", "other_signer", "no_timestamp", "genuine")
_SERIAL_TITLE = re.compile(r"^Membership Certificate (\d{4}-[0-9A-F]{8})$")


@dataclass(frozen=True)
class SignatureCheck:
    outcome: str
    serial: str | None = None  # the certificate's serial, for a genuine certificate
    signer: str | None = None
    signed_at: object = None  # the time-stamping authority's time (aware datetime) when genuine


def check_signed_pdf(data: bytes, key: SigningKey) -> SignatureCheck:
    """The outcome for these bytes; never raises for anything a file can hold."""
    if not data.lstrip()[:5] == b"%PDF-":
        return SignatureCheck(NOT_PDF)
    try:
        return outside_event_loop(lambda: _check(data, key))
    except Exception as exc:  # a malformed PDF can break the parser in any of its layers
        log.info("uploaded PDF could not be read: %s", type(exc).__name__)
        return SignatureCheck(MALFORMED)


def _check(data: bytes, key: SigningKey) -> SignatureCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signatures = reader.embedded_regular_signatures
    if not signatures:
        return SignatureCheck(UNSIGNED)
    # The chamber signs once, as the document's certification signature: anything else
    # (a second signature, a signature not covering the document) is a change to it.
    if len(signatures) != 1:
        return SignatureCheck(ALTERED)
    embedded = signatures[0]
    context = ValidationContext(trust_roots=list(key.trust_roots), allow_fetching=False,
                                revocation_mode="soft-fail")
    ts_context = ValidationContext(trust_roots=list(key.tsa_trust_roots), allow_fetching=False,
                                   revocation_mode="soft-fail")
    status = validate_pdf_signature(embedded, signer_validation_context=context, ts_validation_context=ts_context)
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else None
    if not (status.intact and status.valid):
        return SignatureCheck(ALTERED, signer=signer)
    if status.modification_level not in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES) \
            or status.docmdp_ok is False:
        return SignatureCheck(ALTERED, signer=signer)
    if not status.trusted:
        return SignatureCheck(OTHER_SIGNER, signer=signer)
    stamp = status.timestamp_validity
    if stamp is None or not (stamp.intact and stamp.valid and stamp.trusted):
        return SignatureCheck(NO_TIMESTAMP, signer=signer)
    return SignatureCheck(GENUINE, serial=_signed_serial(reader, embedded), signer=signer, signed_at=stamp.timestamp)


def _signed_serial(reader, embedded) -> str | None:
    """The serial in the title of the revision the signature covers (later revisions cannot change it)."""
    resolver = reader.get_historical_resolver(embedded.signed_revision)
    info = resolver.trailer_view.get("/Info")
    title = info.get_object().get("/Title") if info is not None else None
    match = _SERIAL_TITLE.match(str(title or "").strip())
    return match.group(1) if match else None
