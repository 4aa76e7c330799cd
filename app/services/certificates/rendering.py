"""A certificate's PDF as its snapshot renders it: unsigned, the same bytes every time."""
from __future__ import annotations

from flask import current_app

from models import Certificate


def verify_url(certificate: Certificate) -> str:
    """The public check's address, printed and encoded in the QR code; the token is the secret."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{certificate.verify_token}"


def certificate_pdf(certificate: Certificate) -> bytes:
    """The unsigned PDF of a certificate, rendered again from its snapshot (the same bytes every time).

    Members, staff and mail get the signed file instead: app/services/certificates/signed.py.
    """
    from pathlib import Path

    from app.certificates.pdf import render_certificate_pdf
    from app.certificates.snapshot import CertificateSnapshot

    from app.services.settings.chamber_details import emblem_path

    font_dir = Path(current_app.static_folder) / "vendor" / "fonts"
    emblem = emblem_path()
    return render_certificate_pdf(CertificateSnapshot.from_dict(certificate.snapshot),
                                  verify_url=verify_url(certificate), font_dir=font_dir, emblem_path=emblem)
