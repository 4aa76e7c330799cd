"""The public check of an uploaded PDF, and `flask certificates verify`: genuine and valid, superseded, revoked,
expired; edited, signed by another key, unsigned, not a PDF, malformed, too large; CSRF and the rate limit."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from models import Certificate, Membership, SignedCertificatePdf
from tests.conftest import csrf_from
from tests.integration.certificates.signing_helpers import issue, membership


def _signed(app, certificate_id: int) -> bytes:
    with app.app_context():
        return db.session.scalar(select(SignedCertificatePdf.pdf).where(
            SignedCertificatePdf.certificate_id == certificate_id))


def upload(client, data: bytes, *, filename: str = "certificate.pdf", language: str = "en"):
    client.get(f"/lang/{language}")
    page = client.get("/verify/pdf").get_data(as_text=True)
    return client.post("/verify/pdf", data={"csrf_token": csrf_from(page), "pdf": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.fixture
def certificate(app):
    app.config["CLOCK_TODAY"] = dt.date(2026, 6, 1)
    return issue(app, membership(app))


def test_a_genuine_certificate_is_recognised_in_both_languages(app, client, certificate):
    certificate_id, serial = certificate
    response = upload(client, _signed(app, certificate_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This is a genuine certificate of the chamber, unaltered since the chamber signed it." in page
    assert "This certificate is valid." in page and serial in page and "promising projects" in page
    assert "رمضان" not in page
    page = upload(client, _signed(app, certificate_id), language="ar").get_data(as_text=True)
    assert "هذه الشهادة سارية." in page and "pdf-check-genuine" in page
    # Issued on 19 March 2026, the last day of Ramadan 1447: the Hijri dates stand beside the Gregorian ones.
    assert "٣٠ رمضان ١٤٤٧ هـ" in page and "١١ شوال ١٤٤٨ هـ" in page


def test_a_genuine_pdf_of_a_superseded_revoked_or_expired_certificate_says_so(app, client, certificate):
    certificate_id, serial = certificate
    old = _signed(app, certificate_id)
    with app.app_context():
        membership_id = db.session.get(Certificate, certificate_id).membership_id
    new_id, new_serial = issue(app, membership_id, on=dt.date(2026, 5, 1))
    page = upload(client, old).get_data(as_text=True)
    assert "pdf-check-genuine" in page and f"serial <bdi dir=\"ltr\">{new_serial}</bdi>" in page

    with app.test_request_context():
        from app.services.certificates.lifecycle import revoke

        revoke(db.session, db.session.get(Certificate, new_id), reason="fraud", now=dt.datetime(2026, 5, 2), by="admin")
        db.session.commit()
    page = upload(client, _signed(app, new_id)).get_data(as_text=True)
    assert "pdf-check-genuine" in page and "certificate-revoked" in page



def test_a_genuine_pdf_of_an_expired_certificate_says_it_expired(app, client, certificate):
    certificate_id, _ = certificate
    app.config["CLOCK_TODAY"] = dt.date(2027, 6, 1)
    page = upload(client, _signed(app, certificate_id)).get_data(as_text=True)
    assert "pdf-check-genuine" in page and "This certificate has expired." in page


def _edited(pdf: bytes) -> bytes:
    at = pdf.find(b"Membership Certificate 20")
    return pdf[:at] + b"Membership Certificate 19" + pdf[at + 25:]


@pytest.mark.parametrize("case,outcome,words", [
    ("edited", "altered", "This PDF was changed after the chamber signed it."),
    ("appended", "altered", "This PDF was changed after the chamber signed it."),
    ("unsigned", "unsigned", "This PDF carries no digital signature"),
    ("not_pdf", "not_pdf", "This file is not a PDF"),
    ("malformed", "malformed", "This PDF is damaged or malformed"),
])
def test_each_refusal_gets_a_clear_answer(app, client, certificate, case, outcome, words):
    certificate_id, _ = certificate
    signed = _signed(app, certificate_id)
    if case == "edited":
        data = _edited(signed)
    elif case == "appended":
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        writer.root["/OpenAction"] = generic.NameObject("/Changed")
        writer.update_root()
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    elif case == "unsigned":
        with app.test_request_context():
            from app.services.certificates.issue import certificate_pdf

            data = certificate_pdf(db.session.get(Certificate, certificate_id))
    elif case == "not_pdf":
        data = b"PK\x03\x04 this is a zip file, not a PDF"
    else:
        data = signed[: len(signed) // 3]
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"pdf-check-{outcome}" in page and words in page
    assert "This certificate is valid." not in page


def test_a_pdf_signed_by_another_key_is_not_the_chambers(app, client, certificate, tmp_path):
    from app.certificates.signing import sign_pdf
    from app.certificates.signing_keys import make_chamber_ca, signing_key
    from app.services.certificates.issue import certificate_pdf

    certificate_id, _ = certificate
    make_chamber_ca(tmp_path, password="pw", now=dt.datetime.now(dt.timezone.utc),
                    chamber_name="Oman Chamber of Commerce and Industry")
    forger = signing_key({"SIGNING_PKCS12": str(tmp_path / "chamber-signing.p12"), "SIGNING_PKCS12_PASSWORD": "pw",
                          "SIGNING_DEV_TSA": str(tmp_path / "chamber-tsa.p12")})
    with app.test_request_context():
        forged = sign_pdf(certificate_pdf(db.session.get(Certificate, certificate_id)), forger,
                          now=dt.datetime.now(dt.timezone.utc))
    page = upload(client, forged).get_data(as_text=True)
    assert "pdf-check-other_signer" in page and "This PDF was not signed by the chamber." in page


def test_a_huge_file_is_refused_before_it_is_read_and_a_large_one_by_the_form(app, client, certificate):
    app.config["SIGNED_PDF_MAX_BYTES"] = 200_000
    response = upload(client, b"%PDF-1.4\n" + b"0" * 400_000)
    assert response.status_code == 413 and "The file is too large" in response.get_data(as_text=True)
    response = upload(client, b"%PDF-1.4\n" + b"0" * 220_000)
    assert response.status_code == 413 and "This file is too large to be checked." in response.get_data(as_text=True)
    client.get("/lang/ar")
    response = client.post("/verify/pdf", data={"pdf": (io.BytesIO(b"%PDF" + b"0" * 400_000), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and 'dir="rtl"' in response.get_data(as_text=True)


def test_the_upload_needs_its_csrf_token_and_is_rate_limited(app, client, certificate):
    certificate_id, _ = certificate
    refused = client.post("/verify/pdf", data={"pdf": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    app.config["RATELIMIT_PDF_CHECK"] = "2 per minute"
    assert upload(client, b"not a pdf").status_code == 200
    assert upload(client, b"not a pdf").status_code == 200
    assert upload(client, b"not a pdf").status_code == 429


def test_no_uploaded_file_is_kept(app, client, certificate):
    from pathlib import Path

    certificate_id, _ = certificate
    before = {p for p in Path(app.instance_path).rglob("*")}
    with app.app_context():
        rows = db.session.scalar(select(db.func.count()).select_from(SignedCertificatePdf))
    upload(client, _signed(app, certificate_id))
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(SignedCertificatePdf)) == rows
    assert {p for p in Path(app.instance_path).rglob("*")} == before


def test_the_command_line_gives_the_same_answer(app, certificate, tmp_path):
    certificate_id, serial = certificate
    good = tmp_path / "good.pdf"
    good.write_bytes(_signed(app, certificate_id))
    result = app.test_cli_runner().invoke(args=["certificates", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert "genuine certificate" in result.output and serial in result.output and "The certificate is valid." in result.output
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(_edited(_signed(app, certificate_id)))
    result = app.test_cli_runner().invoke(args=["certificates", "verify", str(edited)])
    assert result.exit_code == 1 and "This PDF was changed after the chamber signed it." in result.output
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello")
    result = app.test_cli_runner().invoke(args=["certificates", "verify", str(junk)])
    assert result.exit_code == 1 and "not a PDF" in result.output
