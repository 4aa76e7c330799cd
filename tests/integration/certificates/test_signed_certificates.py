"""Certificates signed on issue (PAdES, time-stamped, visible), kept, downloaded, queued when signing fails;
checked by pyHanko's own validator and by poppler's pdfsig."""
from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.services.certificates.issue import certificate_pdf
from app.services.certificates.signed import queued, sign_queued, signed_certificate_pdf
from models import Certificate, SignedCertificatePdf
from tests.integration.certificates.signing_helpers import issue, membership, pdfsig


def _stored(app, certificate_id: int) -> bytes | None:
    with app.app_context():
        return db.session.scalar(select(SignedCertificatePdf.pdf).where(
            SignedCertificatePdf.certificate_id == certificate_id))


def _unsigned(app, certificate_id: int) -> bytes:
    with app.test_request_context():
        return certificate_pdf(db.session.get(Certificate, certificate_id))


def test_a_certificate_is_signed_on_issue_over_its_unchanged_render(app, tmp_path):
    certificate_id, serial = issue(app, membership(app))
    signed = _stored(app, certificate_id)
    unsigned = _unsigned(app, certificate_id)
    # The snapshot still renders the same unsigned bytes; the signature is appended to them.
    assert unsigned == _unsigned(app, certificate_id)
    assert signed.startswith(unsigned) and len(signed) > len(unsigned)

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from app.certificates.signing_keys import signing_key

    key = signing_key(app.config)
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    from app.certificates.event_loop import outside_event_loop

    status = outside_event_loop(lambda: validate_pdf_signature(
        embedded, ValidationContext(trust_roots=list(key.trust_roots))))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted  # B-T
    assert status.docmdp_ok and embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "/Widget" in str(embedded.sig_field.get("/Subtype"))

    report = pdfsig(signed, tmp_path)
    assert "Signature is Valid." in report and "ETSI.CAdES.detached" in report
    assert "Total document signed" in report and "Oman Chamber of Commerce and Industry" in report

    # The signature is visible on the certificate: a widget between the fields and the footer, with an appearance.
    from app.certificates.signing import CERTIFICATE_SIGNATURE_BOX

    (widget,) = [a.get_object() for a in PdfReader(io.BytesIO(signed)).pages[0]["/Annots"]
                 if a.get_object().get("/FT") == "/Sig"]
    assert [round(float(v)) for v in widget["/Rect"]] == list(CERTIFICATE_SIGNATURE_BOX)
    assert widget["/AP"]["/N"].get_object().get_data()


def test_members_and_staff_download_the_signed_file(app, tmp_path):
    from tests.integration.helpers import login, make_user

    certificate_id, serial = issue(app, membership(app))
    make_user(app, "staff1", "Staff")
    staff = app.test_client()
    assert login(staff, "staff1").status_code == 302
    response = staff.get(f"/certificateview/pdf/{serial}")
    assert response.status_code == 200 and response.data == _stored(app, certificate_id)


def test_a_signing_failure_issues_the_certificate_unsigned_and_queued(app, tmp_path):
    membership_id = membership(app)
    good = dict(app.config)
    app.config["SIGNING_PKCS12"] = str(tmp_path / "no-such-key.p12")
    certificate_id, serial = issue(app, membership_id)
    assert _stored(app, certificate_id) is None
    with app.app_context():
        assert [c.serial for c in queued(db.session)] == [serial]
        # A download while signing still fails gets the unsigned render, never a half-written file.
        certificate = db.session.get(Certificate, certificate_id)
        assert signed_certificate_pdf(db.session, certificate) == _unsigned(app, certificate_id)
        assert sign_queued(db.session) == (0, 1)
    app.config["SIGNING_PKCS12"] = good["SIGNING_PKCS12"]
    with app.app_context():
        assert sign_queued(db.session) == (1, 0)
        assert queued(db.session) == []
    signed = _stored(app, certificate_id)
    assert signed.startswith(_unsigned(app, certificate_id))
    assert "Signature is Valid." in pdfsig(signed, tmp_path)


def test_a_queued_certificate_is_signed_when_first_downloaded(app):
    membership_id = membership(app)
    good = app.config["SIGNING_PKCS12"]
    app.config["SIGNING_PKCS12"] = "/nonexistent/key.p12"
    certificate_id, _ = issue(app, membership_id)
    app.config["SIGNING_PKCS12"] = good
    with app.app_context():
        first = signed_certificate_pdf(db.session, db.session.get(Certificate, certificate_id))
    assert first == _stored(app, certificate_id) and first != _unsigned(app, certificate_id)


def test_the_command_line_signs_the_queue(app):
    membership_id = membership(app)
    good = app.config["SIGNING_PKCS12"]
    app.config["SIGNING_PKCS12"] = "/nonexistent/key.p12"
    certificate_id, _ = issue(app, membership_id)
    app.config["SIGNING_PKCS12"] = good
    result = app.test_cli_runner().invoke(args=["certificates", "sign-queued"])
    assert result.exit_code == 0, result.output
    assert "1 certificate(s) signed, 0 still queued." in result.output
    assert _stored(app, certificate_id) is not None


def test_a_receipt_is_signed_invisibly(app, tmp_path):
    from tests.integration.counter.fixtures import back_office, counter_ready, serve
    from tests.conftest import csrf_from
    from models import ServiceOrder

    ids = counter_ready(app)
    staff = back_office(app, "staff1", "Staff")
    serve(app, staff, ids["company"], membership=str(ids["membership"]))
    with app.app_context():
        reference = db.session.scalar(select(ServiceOrder.reference).order_by(ServiceOrder.id.desc()))
    page = staff.get(f"/counter/order/{reference}/pay").get_data(as_text=True)
    staff.post(f"/counter/order/{reference}/pay", data={"method": "cash", "csrf_token": csrf_from(page)})
    pdf = staff.get(f"/counter/order/{reference}/receipt.pdf").data
    report = pdfsig(pdf, tmp_path)
    assert "Signature is Valid." in report and "Total document signed" in report
    assert reference in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_signing_time_is_printed_in_muscat_time_in_both_languages():
    from app.certificates.signing import signing_time_lines

    lines = signing_time_lines(dt.datetime(2026, 12, 31, 21, 5, tzinfo=dt.timezone.utc))
    assert lines["time_en"] == "Signed on 2027-01-01 01:05 (Asia/Muscat)"
    # The date's run is handed to HarfBuzz reversed, so it prints left to right inside the Arabic line.
    assert lines["time_ar"] == "وقت التوقيع " + "٢٠٢٧-٠١-٠١ ٠١:٠٥"[::-1] + " بتوقيت مسقط"


def test_the_scheduled_job_signs_the_queue(app):
    from jobs.scheduler import run_now

    membership_id = membership(app)
    good = app.config["SIGNING_PKCS12"]
    app.config["SIGNING_PKCS12"] = "/nonexistent/key.p12"
    certificate_id, _ = issue(app, membership_id)
    assert run_now(app, "certificate_signing").counts == {"signed": 0, "still_queued": 1}
    app.config["SIGNING_PKCS12"] = good
    assert run_now(app, "certificate_signing").counts == {"signed": 1, "still_queued": 0}
    assert _stored(app, certificate_id) is not None
