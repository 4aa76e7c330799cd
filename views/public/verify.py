"""The public certificate check: by the QR code's link or by the serial typed in. Shows only what the certificate prints."""
from __future__ import annotations

from flask import current_app, request
from flask_appbuilder import BaseView, expose

from app.extensions import db, limiter
from app.services.certificates.issue import certificate_status, find_for_check, latest_in_chain
from app.infrastructure.clock import today

CHECK_LIMIT = "30 per minute"


class CertificateCheckView(BaseView):
    route_base = "/verify"
    default_view = "check"

    @expose("/")
    @limiter.limit(CHECK_LIMIT)
    def check(self):
        serial = (request.args.get("serial") or "").strip()[:40]
        certificate = find_for_check(db.session, serial=serial) if serial else None
        return self._page(certificate, asked=bool(serial), serial=serial)

    @expose("/<string:token>")
    @limiter.limit(CHECK_LIMIT)
    def by_token(self, token: str):
        certificate = find_for_check(db.session, token=token[:80])
        return self._page(certificate, asked=True, serial="")

    def _page(self, certificate, *, asked: bool, serial: str):
        status = newer = None
        if certificate is not None:
            status = certificate_status(certificate, today(current_app.config))
            if status == "superseded":
                newer = latest_in_chain(db.session, certificate)
        response = self.render_template("public/verify.html", certificate=certificate, status=status,
                                        newer=newer, asked=asked, serial=serial)
        return response, (404 if asked and certificate is None else 200)
