"""The public certificate check: by the QR code's link, by the serial typed in, or by the PDF uploaded.

Shows only what the certificate prints. An uploaded PDF is read in memory, checked and
forgotten (app/services/certificates/checking.py); its size is limited before the form is
parsed (`install_upload_limit`), and its uploads are rate-limited per client address.
"""
from __future__ import annotations

from flask import current_app, request
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize

from app.extensions import db, limiter
from app.services.certificates.checking import TOO_LARGE, PdfCheck, check_pdf
from app.services.certificates.issue import certificate_status, find_for_check, latest_in_chain
from app.infrastructure.clock import MUSCAT, today
from markupsafe import Markup
from views.portal.limits import client_address

CHECK_LIMIT = "30 per minute"
PDF_CHECK_PATH = "/verify/pdf"
#: Room for the form's other parts (the CSRF token, the multipart framing) beside the file.
FORM_OVERHEAD_BYTES = 64 * 1024


class PdfCheckForm(FlaskForm):
    pdf = FileField(_l("Certificate PDF"), validators=[FileRequired(message=_l("Choose the PDF file to check."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The size limit is the configured one, read when the form is made (this form's own list).
        self.pdf.validators = [*self.pdf.validators, FileSize(
            max_size=int(current_app.config["SIGNED_PDF_MAX_BYTES"]), message=_l("This file is too large to be checked."))]


def _pdf_check_limit() -> str:
    return current_app.config["RATELIMIT_PDF_CHECK"]


def install_upload_limit(app) -> None:
    """A request to the PDF check may carry the file and the form, no more: larger bodies get 413
    before anything reads them (CSRF protection parses the form in its own before-request hook,
    so this hook goes first)."""
    def limit_upload():
        if request.path == PDF_CHECK_PATH and request.method == "POST":
            request.max_content_length = int(current_app.config["SIGNED_PDF_MAX_BYTES"]) + FORM_OVERHEAD_BYTES

    app.before_request_funcs.setdefault(None, []).insert(0, limit_upload)


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

    @expose("/pdf", methods=["GET", "POST"])
    @limiter.limit(_pdf_check_limit, key_func=client_address, methods=["POST"])
    @limiter.limit(CHECK_LIMIT)
    def pdf(self):
        """Checks an uploaded PDF: the chamber's signature, then the certificate's status today."""
        form = PdfCheckForm()
        if not form.validate_on_submit():
            too_large = request.method == "POST" and bool(form.pdf.errors) and form.pdf.data
            body, _ = self._page(None, asked=False, serial="", form=form,
                                 pdf_check=PdfCheck(TOO_LARGE) if too_large else None)
            # A form sent without a usable file (or its token) is a bad request; the page says why.
            return body, (413 if too_large else 400 if request.method == "POST" else 200)
        limit = int(current_app.config["SIGNED_PDF_MAX_BYTES"])
        data = form.pdf.data.read(limit + 1)
        result = check_pdf(db.session, data, today=today(current_app.config))
        return self._page(result.certificate, asked=False, serial="", form=form, pdf_check=result)

    @expose("/<string:token>")
    @limiter.limit(CHECK_LIMIT)
    def by_token(self, token: str):
        certificate = find_for_check(db.session, token=token[:80])
        return self._page(certificate, asked=True, serial="")

    def _page(self, certificate, *, asked: bool, serial: str, form: PdfCheckForm | None = None, pdf_check=None):
        status = newer = revoked_on = None
        if certificate is not None:
            status = certificate_status(certificate, today(current_app.config))
            if status == "superseded":
                newer = latest_in_chain(db.session, certificate)
            elif status == "revoked":
                revoked_on = Markup('<bdi dir="ltr">%s</bdi>') % muscat_date(certificate.revoked_at)
        response = self.render_template("public/verify.html", certificate=certificate, status=status,
                                        newer=newer, revoked_on=revoked_on, asked=asked, serial=serial,
                                        form=form or PdfCheckForm(), pdf_check=pdf_check,
                                        max_megabytes=int(current_app.config["SIGNED_PDF_MAX_BYTES"]) // (1024 * 1024))
        return response, (404 if asked and certificate is None else 200)
