"""Renders the bilingual one-page A4 membership certificate PDF from its snapshot."""

from __future__ import annotations

import calendar
import io
import math
import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import arabic_reshaper
import jinja2
import xhtml2pdf.document
from flask_babel import lazy_gettext as _l
from PIL import UnidentifiedImageError
from reportlab.pdfbase.ttfonts import TTFont
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from app.certificates.errors import (
    CertificateDatesInvalid,
    CertificateEmblemInvalid,
    CertificateEmblemMissing,
    CertificateFontMissing,
    CertificateRenderFailed,
    CertificateResourceRefused,
    CertificateVerifyUrlInvalid,
)
from app.certificates.images import emblem_data_uri, qr_data_uri
from app.certificates.snapshot import CertificateSnapshot
from app.domain.arabic import format_date_ar, format_date_en, to_arabic_indic
from app.domain.hijri import format_hijri_ar

#: The Arabic font (it has Latin too), in the project: set-up copies it to
#: app/static/vendor/fonts/.
FONT_FILES = {"regular": "Amiri-Regular.ttf", "bold": "Amiri-Bold.ttf"}
TEMPLATE_NAME = "certificate/certificate.html"
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"

#: Widths of the field columns, in per cent of the text width: English label,
#: value, Arabic value, Arabic label. English words are wider than their
#: Arabic counterparts ("South Ash Sharqiyah Governorate" takes twice the room
#: of "محافظة جنوب الشرقية"), so the English value gets the most. The template
#: lays the columns out with these and `_fields_font_size` measures against them.
FIELD_COLUMNS = (25, 33, 24, 18)
#: The fields' font size, and the smallest it may be made so that every field
#: stays on one line before the row-per-field layout is used instead.
FIELD_FONT_SIZE = 11.5
FIELD_FONT_SIZE_MIN = 9.0
#: The content frame's width (A4 less 22 mm a side) and a cell's side
#: padding, as the template sets them.
_TEXT_WIDTH_PT = (210 - 2 * 22) * 72 / 25.4
_CELL_PADDING_PT = 2 * 72 / 25.4

#: The template names its resources by these logical names only; the link
#: callback maps each to the one file or data URI it stands for.
RESOURCE_PREFIX = "ghurfa:"

#: The user-agent stylesheet for the certificate, in place of xhtml2pdf's
#: default one: that one styles every HTML element and is parsed again on each
#: render, a few milliseconds spent on tags the certificate never uses.
CERTIFICATE_BASE_CSS = """
html { font-family: Helvetica; font-size: 10px; font-weight: normal; color: #000000;
  margin: 0; padding: 0; line-height: 150%; border: 1px none; display: inline;
  width: auto; height: auto; white-space: normal; }
b { font-weight: bold; }
body, div, p, table, tr, td { display: block; }
tr, td { vertical-align: middle; width: auto; }
"""

#: reportlab and xhtml2pdf keep fonts and caches in module globals, and
#: xhtml2pdf serialises whole renders on this lock. The PDF clock below is
#: process-global too, so it is set and put back under the same lock.
_RENDER_LOCK = getattr(xhtml2pdf.document, "_RENDER_LOCK", None) or threading.RLock()


class _Resources:
    """The only things one render may read: our font files and the inlined QR code and emblem."""

    def __init__(self, by_name: dict[str, str]) -> None:
        self.by_name = by_name

    def resolve(self, uri: object, _basepath: object = None) -> str:
        """xhtml2pdf's link_callback: one of our logical names, or a refusal."""
        if isinstance(uri, str) and uri in self.by_name:
            return self.by_name[uri]
        # Returning None would make xhtml2pdf fall back to the URI as written,
        # so anything unknown is refused outright. The resource policy is the
        # second gate, for any read that does not pass through this callback.
        raise CertificateResourceRefused(
            _l("The certificate template asked for a resource it may not read: %(uri)s"),
            uri=str(uri)[:120],
        )


def resource_policy(allowed_files: Iterable[Path]) -> ResourceAccessPolicy:
    """What xhtml2pdf may read while it renders a certificate: these files and nothing else.

    No network at all, and local reads confined to exactly the given files:
    not the working directory (xhtml2pdf's default), which holds the code and
    its settings.
    """
    return ResourceAccessPolicy.server(
        None, allow_remote=False, extra_roots=tuple(Path(f).resolve() for f in allowed_files)
    )


def render_certificate_pdf(
    snapshot: CertificateSnapshot,
    *,
    verify_url: str,
    font_dir: Path,
    emblem_path: Path | None = None,
    env: jinja2.Environment | None = None,
) -> bytes:
    """The certificate as PDF bytes: the same bytes every time for the same arguments.

    `verify_url` is printed and encoded in the QR code, never fetched;
    `font_dir` holds Amiri-Regular.ttf and Amiri-Bold.ttf; `emblem_path` is
    the chamber's emblem (any image Pillow reads), printed above its name, or
    None for none; `env` is a Jinja environment that autoescapes and can load
    TEMPLATE_NAME (the app's, say), a standalone one when None, so no Flask
    app context is needed.
    """
    if snapshot.expires_on < snapshot.issued_on:
        raise CertificateDatesInvalid(
            _l("A certificate cannot expire (%(expires)s) before it is issued (%(issued)s)."),
            expires=snapshot.expires_on.isoformat(),
            issued=snapshot.issued_on.isoformat(),
        )
    _check_verify_url(verify_url)
    fonts = _font_files(Path(font_dir))
    emblem = _emblem_file(emblem_path)

    by_name = {f"{RESOURCE_PREFIX}font/{key}": str(path) for key, path in fonts.items()}
    by_name[f"{RESOURCE_PREFIX}qr"] = qr_data_uri(verify_url)
    if emblem is not None:
        try:
            by_name[f"{RESOURCE_PREFIX}emblem"] = emblem_data_uri(emblem)
        except (UnidentifiedImageError, OSError) as exc:
            raise CertificateEmblemInvalid(
                _l("The chamber emblem %(file)s is not an image."), file=str(emblem)
            ) from exc

    template = _template(env or _standalone_env())
    fields = _fields(snapshot)
    values = {
        "snapshot": snapshot,
        "fields": fields,
        "columns": FIELD_COLUMNS,
        "fields_font_size": _fields_font_size(fields, fonts["bold"]),
        "hijri_line": hijri_line(snapshot),
        "verify_url": verify_url,
        "has_emblem": emblem is not None,
        "resource": RESOURCE_PREFIX,
    }
    resources = _Resources(by_name)
    policy = resource_policy(fonts.values())
    pdf = _render_html(template.render(values, shrink_to_fit=False), resources, policy, snapshot)
    if _page_count(pdf) > 1:
        # Rare (very long names): lay the page out again, scaled to fit.
        pdf = _render_html(template.render(values, shrink_to_fit=True), resources, policy, snapshot)
    return pdf


def _render_html(
    html: str, resources: _Resources, policy: ResourceAccessPolicy, snapshot: CertificateSnapshot
) -> bytes:
    out = io.BytesIO()
    with _pdf_clock(snapshot.issued_on):
        context = pisa.pisaDocument(
            html,
            dest=out,
            link_callback=resources.resolve,
            resource_policy=policy,
            default_css=CERTIFICATE_BASE_CSS,
            encoding="utf-8",
        )
    if getattr(context, "err", 0):
        raise CertificateRenderFailed(
            _l("The certificate %(serial)s could not be rendered."), serial=snapshot.serial
        )
    return out.getvalue()


#: A page object in reportlab's output ("/Type /Pages" is the page tree).
_PAGE_OBJECT = re.compile(rb"/Type /Page(?![a-zA-Z])")


def _page_count(pdf: bytes) -> int:
    return len(_PAGE_OBJECT.findall(pdf))


def _fields(snapshot: CertificateSnapshot) -> list[tuple[str, str, str, str, bool]]:
    """Each printed field: English label, value, Arabic value, Arabic label, and
    whether the value is free text (which may mix scripts) rather than a number.

    The English side keeps Latin digits, the Arabic side gets Arabic-Indic
    ones. The labels are the certificate's fixed bilingual wording (as on the
    chamber's printed certificate), not interface text: both languages are
    printed whatever the reader's locale, so they do not go through gettext.
    """
    issued, expires = snapshot.issued_on, snapshot.expires_on
    return [
        ("CR No", snapshot.cr_number, to_arabic_indic(snapshot.cr_number), "رقم السجل", False),
        ("Registered in the grade", snapshot.grade_en, snapshot.grade_ar, "سجلت بالدرجة", True),
        ("OCCI No", snapshot.occi_number, to_arabic_indic(snapshot.occi_number), "رقم الغرفة", False),
        ("Date of issue", format_date_en(issued), format_date_ar(issued), "تاريخ الإصدار", False),
        ("Date of expiry", format_date_en(expires), format_date_ar(expires), "تاريخ الانتهاء", False),
        ("Head Office", snapshot.head_office_en, snapshot.head_office_ar, "المقر الرئيس", True),
    ]


def hijri_line(snapshot: CertificateSnapshot) -> str | None:
    """The Arabic side's Umm al-Qura dates of issue and expiry, printed under the Gregorian ones.

    A line of its own: beside the Gregorian date in its field it would not fit the column, and
    the fields would fall back to a row each. None when either date is outside hijridate's range.
    """
    issued, expires = format_hijri_ar(snapshot.issued_on), format_hijri_ar(snapshot.expires_on)
    if issued is None or expires is None:
        return None
    return f"بالتقويم الهجري (أم القرى): من {issued} إلى {expires}"


def _fields_font_size(fields: list[tuple[str, str, str, str, bool]], bold_font: Path) -> float | None:
    """The font size at which every value fits its column on one line.

    FIELD_FONT_SIZE when everything fits, smaller (in half points) when a
    value is long, None when it would have to go below FIELD_FONT_SIZE_MIN:
    the template then lays the fields out a row per field, where a value may
    wrap. Values are measured in the bold face they are printed in, as
    reportlab sets them (Arabic joined first), with a little room kept for
    rounding. The labels are fixed wording; a test holds them to their columns.
    """
    font = _measuring_font(str(bold_font))
    size = FIELD_FONT_SIZE
    for column in (1, 2):
        room = (_TEXT_WIDTH_PT * FIELD_COLUMNS[column] / 100 - _CELL_PADDING_PT) * 0.95
        for field in fields:
            text = arabic_reshaper.reshape(field[column]) if column == 2 else field[column]
            width = font.stringWidth(text, FIELD_FONT_SIZE)
            if width > room:
                size = min(size, FIELD_FONT_SIZE * room / width)
    size = math.floor(size * 2) / 2
    return size if size >= FIELD_FONT_SIZE_MIN else None


@lru_cache(maxsize=2)
def _measuring_font(path: str) -> TTFont:
    # Parsed once per process (tens of milliseconds), not registered with
    # reportlab: it only measures. The file is the one xhtml2pdf embeds, so
    # the widths are the ones it lays out with.
    return TTFont("GhurfaCertificateMeasure", path)


def _check_verify_url(verify_url: str) -> None:
    parts = urlsplit(verify_url) if isinstance(verify_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise CertificateVerifyUrlInvalid(
            _l("The certificate verification address must be an http(s) URL: %(url)s"),
            url=str(verify_url)[:120],
        )


def _font_files(font_dir: Path) -> dict[str, Path]:
    fonts = {key: (font_dir / name).resolve() for key, name in FONT_FILES.items()}
    missing = [str(path) for path in fonts.values() if not path.is_file()]
    if missing:
        raise CertificateFontMissing(
            _l("The certificate font is missing (%(files)s); run the set-up script."),
            files=", ".join(missing),
        )
    return fonts


def _emblem_file(emblem_path: Path | None) -> Path | None:
    if emblem_path is None:
        return None
    emblem = Path(emblem_path).resolve()
    if not emblem.is_file():
        raise CertificateEmblemMissing(
            _l("The chamber emblem %(file)s is missing."), file=str(emblem)
        )
    return emblem


def _template(env: jinja2.Environment) -> jinja2.Template:
    autoescape = env.autoescape(TEMPLATE_NAME) if callable(env.autoescape) else env.autoescape
    if not autoescape:
        # Values are printed as text; without escaping, a company name holding
        # markup would become markup, and the renderer would act on it.
        raise ValueError("the certificate template must be rendered with autoescape on")
    return env.get_template(TEMPLATE_NAME)


@lru_cache(maxsize=1)
def _standalone_env() -> jinja2.Environment:
    """A Jinja environment of our own, so rendering needs no Flask app context."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )


@contextmanager
def _pdf_clock(issued_on: date) -> Iterator[None]:
    """Stamp the PDF with the issue date, so its CreationDate and file ID are reproducible.

    reportlab takes SOURCE_DATE_EPOCH (the reproducible-builds convention) as
    the document's time and seeds the file ID from it and the content; without
    it both come from the wall clock and no two renders are alike. xhtml2pdf
    offers no per-document setting, so the variable is set for this render only,
    under the lock every xhtml2pdf render holds, and then put back.
    """
    epoch = calendar.timegm(issued_on.timetuple())
    with _RENDER_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
