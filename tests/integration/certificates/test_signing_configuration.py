"""Where the signing key comes from: a local chamber CA made once in development, a refusal in production
without a real key or time-stamping authority, and an RFC 3161 authority over HTTP when TSA_URL is set."""
from __future__ import annotations

import datetime as dt
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pathlib import Path

import pytest

from app import ConfigurationError, create_app
from config import TestConfig
from tests.integration.test_home_and_config import Production

FONTS = Path(__file__).resolve().parents[3] / "app" / "static" / "vendor" / "fonts"
SNAPSHOT = {"serial": "2026-0A1B2C3D", "chamber_name_en": "Oman Chamber of Commerce & Industry",
            "chamber_name_ar": "غرفة تجارة وصناعة عمان", "company_name_en": "promising projects",
            "company_name_ar": "المشاريع الواعدة", "cr_number": "1229237", "grade_en": "Fourth", "grade_ar": "الرابعة",
            "occi_number": "1128046", "issued_on": "2026-03-19", "expires_on": "2027-03-19",
            "head_office_en": "Muscat Governorate", "head_office_ar": "محافظة مسقط"}


def rendered() -> bytes:
    from app.certificates.pdf import render_certificate_pdf
    from app.certificates.snapshot import CertificateSnapshot

    return render_certificate_pdf(CertificateSnapshot.from_dict(SNAPSHOT), verify_url="https://example.om/verify/x",
                                  font_dir=FONTS)


def test_development_makes_a_local_chamber_ca_once_and_says_so(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="ghurfa.signing")
    first = create_app(TestConfig, INSTANCE_DIR=str(tmp_path))
    folder = tmp_path / "signing"
    assert {p.name for p in folder.iterdir()} >= {"chamber-ca.pem", "chamber-signing.p12", "chamber-tsa.p12"}
    assert (folder / "chamber-signing.p12").stat().st_mode & 0o777 == 0o600
    assert any("made a local chamber CA" in r.getMessage() for r in caplog.records)
    key_file = (folder / "chamber-signing.p12").read_bytes()
    caplog.clear()
    again = create_app(TestConfig, INSTANCE_DIR=str(tmp_path))
    assert (folder / "chamber-signing.p12").read_bytes() == key_file
    assert not any("made a local chamber CA" in r.getMessage() for r in caplog.records)
    assert again.config["SIGNING_PKCS12"] == first.config["SIGNING_PKCS12"]
    assert again.config["SIGNING_PKCS12_PASSWORD"] == first.config["SIGNING_PKCS12_PASSWORD"]


@pytest.mark.parametrize("override,fragment", [
    ({}, "signing key"),
    ({"SIGNING_PKCS12": "/etc/ghurfa/chamber.p12"}, "TSA_URL"),
])
def test_production_refuses_to_start_without_a_real_key_and_authority(tmp_path, override, fragment):
    with pytest.raises(ConfigurationError, match=fragment):
        create_app(Production, INSTANCE_DIR=str(tmp_path), **override)
    assert not (tmp_path / "signing").exists()


class _Authority(BaseHTTPRequestHandler):
    """An RFC 3161 time-stamping authority over HTTP, answering with pyHanko's in-process one."""

    stamper = None

    def do_POST(self):  # noqa: N802 (http.server's naming)
        from asn1crypto import tsp

        request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        body = self.stamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_time_stamping_authority_over_http(tmp_path):
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from app.certificates.signature_check import GENUINE, check_signed_pdf
    from app.certificates.signing import sign_pdf
    from app.certificates.signing_keys import _read_pkcs12, make_chamber_ca, signing_key

    make_chamber_ca(tmp_path, password="pw", now=dt.datetime.now(dt.timezone.utc), chamber_name="Chamber")
    tsa_cert, tsa_key, _ = _read_pkcs12(tmp_path / "chamber-tsa.p12", "pw")
    handler = type("Authority", (_Authority,), {"stamper": DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = {"SIGNING_PKCS12": str(tmp_path / "chamber-signing.p12"), "SIGNING_PKCS12_PASSWORD": "pw",
                  "TSA_URL": f"http://127.0.0.1:{server.server_address[1]}/tsa",
                  "TSA_TRUST_ROOTS": str(tmp_path / "chamber-ca.pem")}
        key = signing_key(config)
        assert type(key.timestamper).__name__ == "HTTPTimeStamper"
        signed = sign_pdf(rendered(), key, now=dt.datetime.now(dt.timezone.utc))
        result = check_signed_pdf(signed, key)
        assert result.outcome == GENUINE and result.serial == SNAPSHOT["serial"]
    finally:
        server.shutdown()
        server.server_close()


def test_an_unreachable_authority_fails_the_signing_and_writes_nothing(tmp_path):
    from app.certificates.signing import SigningFailed, sign_pdf
    from app.certificates.signing_keys import make_chamber_ca, signing_key

    make_chamber_ca(tmp_path, password="pw", now=dt.datetime.now(dt.timezone.utc), chamber_name="Chamber")
    key = signing_key({"SIGNING_PKCS12": str(tmp_path / "chamber-signing.p12"), "SIGNING_PKCS12_PASSWORD": "pw",
                       "TSA_URL": "http://127.0.0.1:9/tsa", "TSA_TIMEOUT_SECONDS": 2})
    with pytest.raises(SigningFailed):
        sign_pdf(rendered(), key, now=dt.datetime.now(dt.timezone.utc))


def test_signing_and_checking_work_inside_a_running_event_loop(tmp_path):
    import asyncio

    from app.certificates.signature_check import GENUINE, check_signed_pdf
    from app.certificates.signing import sign_pdf
    from app.certificates.signing_keys import make_chamber_ca, signing_key

    make_chamber_ca(tmp_path, password="pw", now=dt.datetime.now(dt.timezone.utc), chamber_name="Chamber")
    key = signing_key({"SIGNING_PKCS12": str(tmp_path / "chamber-signing.p12"), "SIGNING_PKCS12_PASSWORD": "pw",
                       "SIGNING_DEV_TSA": str(tmp_path / "chamber-tsa.p12")})

    async def inside():
        signed = sign_pdf(rendered(), key, now=dt.datetime.now(dt.timezone.utc))
        return check_signed_pdf(signed, key).outcome

    # In a thread of its own: this one may already run a loop (the browser tests' driver).
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result() == GENUINE


def test_with_revocation_fetching_the_validation_data_is_embedded(tmp_path):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    from app.certificates.signature_check import GENUINE, check_signed_pdf
    from app.certificates.signing import sign_pdf
    from app.certificates.signing_keys import make_chamber_ca, signing_key

    make_chamber_ca(tmp_path, password="pw", now=dt.datetime.now(dt.timezone.utc), chamber_name="Chamber")
    key = signing_key({"SIGNING_PKCS12": str(tmp_path / "chamber-signing.p12"), "SIGNING_PKCS12_PASSWORD": "pw",
                       "SIGNING_DEV_TSA": str(tmp_path / "chamber-tsa.p12")})
    signed = sign_pdf(rendered(), key, now=dt.datetime.now(dt.timezone.utc), fetch_revocation=True)
    # B-LT: the document security store holds the chain (the local CA publishes no OCSP or CRL to fetch).
    dss = PdfFileReader(io.BytesIO(signed)).root["/DSS"]
    assert len(dss["/Certs"]) >= 2
    assert check_signed_pdf(signed, key).outcome == GENUINE
