"""The signed PDF of a membership certificate, as members download it.

Derived from its certificate (the snapshot re-renders the unsigned bytes, the signature is
appended): not business data of its own, so not in the audit trail (which would hold the file).
A certificate in force without a row is queued for signing (app/services/certificates/signed.py).
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column


class SignedCertificatePdf(Model):
    __tablename__ = "signed_certificate_pdf"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    # The signing certificate's subject, as it signed this file.
    signer: Mapped[str] = mapped_column(String(300), nullable=False)
