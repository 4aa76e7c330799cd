"""A member downloads a certificate of a company they sign for; anyone else gets 404."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, make_response
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.extensions import db
from app.services.selfservice import member_certificate
from views.selfservice.wizard import current_member, public_url

VERIFY_PATH = "/verify/{token}"
DEFAULT_FONT_DIR = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor" / "fonts"


class MemberCertificateView(BaseView):
    route_base = "/services/certificates"
    default_view = "download"

    @expose("/<serial>.pdf")
    @has_access
    def download(self, serial: str):
        member = current_member()
        certificate = member_certificate(db.session, member, serial)
        if certificate is None:
            abort(404)
        from app.certificates.pdf import render_certificate_pdf
        from app.certificates.snapshot import CertificateSnapshot

        config = current_app.config
        emblem = config.get("CHAMBER_EMBLEM")
        pdf = render_certificate_pdf(
            CertificateSnapshot.from_dict(certificate.snapshot),
            verify_url=public_url(VERIFY_PATH.format(token=certificate.verify_token)),
            font_dir=Path(config.get("CERTIFICATE_FONT_DIR") or DEFAULT_FONT_DIR),
            emblem_path=Path(emblem) if emblem else None,
        )
        response = make_response(pdf)
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
        response.headers["Cache-Control"] = "private, no-store"
        return response
