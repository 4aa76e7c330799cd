"""The certificate renderer's rules: reproducible bytes, nothing fetched, bad input refused."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date

import jinja2
import pypdf
import pytest
from PIL import Image, ImageDraw

from xhtml2pdf.config.resources import ResourceAccessError

from app.certificates.errors import (
    CertificateDatesInvalid,
    CertificateEmblemInvalid,
    CertificateEmblemMissing,
    CertificateFontMissing,
    CertificateResourceRefused,
    CertificateVerifyUrlInvalid,
)
from app.certificates.images import EMBLEM_PIXELS
from app.certificates.pdf import TEMPLATE_DIR, TEMPLATE_NAME, render_certificate_pdf, resource_policy
from app.certificates.snapshot import CertificateSnapshot

from .seed import FONT_DIR, REPO_ROOT, SEED, VERIFY_URL
from .pdftext import pypdf_text


def _render(snapshot=SEED, **kwargs):
    kwargs.setdefault("verify_url", VERIFY_URL)
    kwargs.setdefault("font_dir", FONT_DIR)
    return render_certificate_pdf(snapshot, **kwargs)


# --- the same bytes again from the snapshot ------------------------------------------------


def test_rerender_from_stored_snapshot_is_byte_identical(seed_pdf):
    stored = json.dumps(SEED.to_dict(), ensure_ascii=False)
    assert _render(CertificateSnapshot.from_dict(json.loads(stored))) == seed_pdf


@pytest.mark.slow
def test_rerender_in_a_fresh_process_from_another_directory_is_byte_identical(seed_pdf, tmp_path):
    # No state of this process (registered fonts, caches) and not the working
    # directory may leak into the bytes.
    script = (
        "import json, sys; from pathlib import Path\n"
        "from app.certificates.pdf import render_certificate_pdf\n"
        "from app.certificates.snapshot import CertificateSnapshot\n"
        "snapshot = CertificateSnapshot.from_dict(json.loads(sys.argv[1]))\n"
        "pdf = render_certificate_pdf(snapshot, verify_url=sys.argv[2], font_dir=Path(sys.argv[3]))\n"
        "sys.stdout.buffer.write(pdf)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SOURCE_DATE_EPOCH": "0"}
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(SEED.to_dict()), VERIFY_URL, str(FONT_DIR)],
        cwd=tmp_path, env=env, capture_output=True, check=True,
    )
    assert result.stdout == seed_pdf


def test_the_pdf_clock_is_put_back(seed_pdf, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert _render() == seed_pdf
    assert os.environ["SOURCE_DATE_EPOCH"] == "1234567890"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    _render()
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_another_snapshot_gives_another_document(seed_pdf):
    other = _render(replace(SEED, serial="2018-0000A1B2"))
    assert other != seed_pdf
    ids = [pypdf.PdfReader(io.BytesIO(pdf)).trailer["/ID"][0] for pdf in (seed_pdf, other)]
    assert ids[0] != ids[1]


# --- nothing is fetched, markup is text --------------------------------------------------------


def test_markup_and_urls_in_values_are_printed_as_text_and_fetch_nothing(http_server):
    snapshot = replace(
        SEED,
        company_name_en=f'<img src="{http_server.url}/company.png"> <b>promising</b>',
        company_name_ar=f'<img src="{http_server.url}/ar.png">',
        head_office_en=f"{http_server.url}/office",
        grade_en='<link rel="stylesheet" href="' + http_server.url + '/x.css">',
    )
    pdf = _render(snapshot)
    text = " ".join(pypdf_text(pdf).split())
    assert f'<img src="{http_server.url}/company.png"> <b>promising</b>' in text
    assert f"{http_server.url}/office" in text
    assert f'href="{http_server.url}/x.css">' in text
    assert http_server.hits == []
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the QR code only


def _template_with(extra_head: str = "", extra_body: str = "") -> jinja2.Environment:
    source = (TEMPLATE_DIR / TEMPLATE_NAME).read_text(encoding="utf-8")
    source = source.replace("<style>", "<style>" + extra_head).replace("</body>", extra_body + "</body>")
    return jinja2.Environment(loader=jinja2.DictLoader({TEMPLATE_NAME: source}), autoescape=True)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("", '<img src="{url}/remote.png">'),
        ("", '<img src="/etc/hostname">'),
        ("", f'<img src="{REPO_ROOT}/app/static/vendor/fonts/../../../../config.py">'),
        ('@font-face {{ font-family: Other; src: url("{url}/font.ttf"); }}', ""),
        ('@font-face {{ font-family: Other; src: url("/usr/share/fonts/opentype/fonts-hosny-amiri/'
         'Amiri-Slanted.ttf"); }}', ""),
        ('@import url("{url}/more.css");', ""),
    ],
)
def test_the_template_itself_cannot_reach_outside(http_server, head, body):
    env = _template_with(head.format(url=http_server.url), body.format(url=http_server.url))
    with pytest.raises(CertificateResourceRefused):
        _render(env=env)
    assert http_server.hits == []


def test_an_environment_without_autoescape_is_refused():
    source = (TEMPLATE_DIR / TEMPLATE_NAME).read_text(encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.DictLoader({TEMPLATE_NAME: source}), autoescape=False)
    with pytest.raises(ValueError, match="autoescape"):
        _render(env=env)


def test_an_app_style_environment_with_select_autoescape_works(seed_pdf):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=jinja2.select_autoescape(["html"])
    )
    assert _render(env=env) == seed_pdf


def test_the_policy_allows_exactly_the_font_files(font_dir, http_server):
    fonts = [font_dir / "Amiri-Regular.ttf", font_dir / "Amiri-Bold.ttf"]
    policy = resource_policy(fonts)
    for font in fonts:
        policy.check_path(font)
    for outside in (font_dir / "LICENSE", REPO_ROOT / "config.py", "/etc/hostname",
                    "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"):
        with pytest.raises(ResourceAccessError):
            policy.check_path(outside)
    with pytest.raises(ResourceAccessError):
        policy.check_url(f"{http_server.url}/x.png")
    with pytest.raises(ResourceAccessError):
        policy.check_url("https://example.com/x.png")


def test_a_configured_emblem_is_printed_without_the_renderer_reading_it(tmp_path, http_server):
    emblem = tmp_path / "emblem.png"
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, 580, 580), outline=(11, 93, 59, 255), width=30)
    image.save(emblem)
    pdf = _render(emblem_path=emblem)
    images = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 2  # the emblem and the QR code
    assert max(images[0].image.size + images[1].image.size) <= EMBLEM_PIXELS
    assert _render(emblem_path=emblem) == pdf


def test_a_missing_or_broken_emblem_is_a_clear_error(tmp_path):
    with pytest.raises(CertificateEmblemMissing):
        _render(emblem_path=tmp_path / "missing.png")
    broken = tmp_path / "emblem.png"
    broken.write_text("not a picture")
    with pytest.raises(CertificateEmblemInvalid):
        _render(emblem_path=broken)


# --- refused input --------------------------------------------------------------------------


def test_expiry_before_issue_is_refused():
    # The old portal's own certificate: issued 19/03/2018, "expiring" 19/09/2016.
    with pytest.raises(CertificateDatesInvalid, match="2016-09-19.*2018-03-19"):
        _render(replace(SEED, expires_on=date(2016, 9, 19)))


def test_expiry_on_the_day_of_issue_is_not_refused_by_the_renderer():
    pdf = _render(replace(SEED, expires_on=SEED.issued_on))
    assert "19/03/2018" in pypdf_text(pdf)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://chamberoman.com/x", "/certificates/verify", "", None]
)
def test_verify_url_must_be_http(url):
    with pytest.raises(CertificateVerifyUrlInvalid):
        _render(verify_url=url)


def test_missing_font_is_a_clear_error(tmp_path):
    with pytest.raises(CertificateFontMissing, match="Amiri-Regular.ttf"):
        _render(font_dir=tmp_path)
