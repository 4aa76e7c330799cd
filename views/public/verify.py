"""The public certificate check: by the QR code's link or by the serial typed in. Shows only what the certificate prints."""
from __future__ import annotations

from flask import current_app, request
from flask_appbuilder import BaseView, expose

from app.extensions import db, limiter
from app.services.certificates.issue import certificate_status, find_for_check, latest_in_chain
from app.infrastructure.clock import MUSCAT, today
from markupsafe import Markup

CHECK_LIMIT = "30 per minute"


def muscat_date(moment) -> str:
    """A stored (naive UTC) moment as the Muscat calendar date."""
    import datetime as dt

    return moment.replace(tzinfo=dt.timezone.utc).astimezone(MUSCAT).date().isoformat()


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
        status = newer = revoked_on = None
        if certificate is not None:
            status = certificate_status(certificate, today(current_app.config))
            if status == "superseded":
                newer = latest_in_chain(db.session, certificate)
            elif status == "revoked":
                revoked_on = Markup('<bdi dir="ltr">%s</bdi>') % muscat_date(certificate.revoked_at)
        response = self.render_template("public/verify.html", certificate=certificate, status=status,
                                        newer=newer, revoked_on=revoked_on, asked=asked, serial=serial)
        return response, (404 if asked and certificate is None else 200)
