"""A member downloads a certificate of a company they sign for; anyone else gets 404."""
from __future__ import annotations

from flask import abort, make_response
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.extensions import db
from app.services.certificates.signed import signed_certificate_pdf
from app.services.membership.access import member_certificate
from views.selfservice.wizard import current_member


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
        response = make_response(signed_certificate_pdf(db.session, certificate))
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
        response.headers["Cache-Control"] = "private, no-store"
        return response
