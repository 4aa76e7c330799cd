"""Signs a rendered PDF as PAdES with the chamber's key: a certification signature, time-stamped.

The rendered PDF is never changed: the signature is an incremental update appended to it, so
the stored snapshot still re-renders the same unsigned bytes, and the signed file is those
bytes plus the signature. The signature is a PAdES certification signature (DocMDP: no changes
allowed) with a document timestamp from the configured RFC 3161 authority (baseline B-T), and
the chain's validation data embedded in the document security store (B-LT) where its
revocation data can be fetched (`SIGNING_FETCH_REVOCATION`). On the certificate it is visible:
"Digitally signed by ..." in English and Arabic, with the signing time in Asia/Muscat.
"""
from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path

from app.certificates.event_loop import outside_event_loop
from app.certificates.signing_keys import SigningKey
from app.domain.arabic import to_arabic_indic

MUSCAT = dt.timezone(dt.timedelta(hours=4), "Asia/Muscat")
FIELD_NAME = "ChamberSignature"
MM = 72 / 25.4
#: Where the visible signature sits on the certificate (A4, points from the bottom left):
#: between the fields (and their Hijri dates, down to 233 pt) and the QR code (from 191 pt).
CERTIFICATE_SIGNATURE_BOX = (int(48 * MM), 194, int(162 * MM), 231)
SIGNED_BY_EN = "Digitally signed by Oman Chamber of Commerce and Industry"
SIGNED_BY_AR = "موقّعة رقميًا من غرفة تجارة وصناعة عمان"
REASON = "Issued by the Oman Chamber of Commerce and Industry"
LOCATION = "Muscat, Oman"
STAMP_FONT = "Amiri-Regular.ttf"


class SigningFailed(RuntimeError):
    """The PDF could not be signed (key, time-stamping authority or document); nothing was written."""


def sign_pdf(pdf: bytes, key: SigningKey, *, now: dt.datetime, font_dir: Path | None = None,
             visible: bool = True, fetch_revocation: bool = False) -> bytes:
    """The PDF with the chamber's signature appended; `now` (aware) is printed in Asia/Muscat.

    `visible` puts the signature's appearance on the first page (the certificate's layout);
    otherwise the signature is invisible (receipts, credit notes). `font_dir` holds Amiri.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=list(key.trust_roots), allow_fetching=fetch_revocation,
                                revocation_mode="soft-fail")
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
        certify=True, docmdp_permissions=MDPPerm.NO_CHANGES, reason=REASON, location=LOCATION,
        embed_validation_info=fetch_revocation, validation_context=context,
        signer_key_usage={"non_repudiation"},
    )
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=0, box=CERTIFICATE_SIGNATURE_BOX if visible else None)
    pdf_signer = signers.PdfSigner(meta, signer=key.signer, timestamper=key.timestamper,
                                   stamp_style=_stamp_style(str(font_dir)) if visible and font_dir else None,
                                   new_field_spec=spec)
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=out,
                                                       appearance_text_params=signing_time_lines(now)))
    except Exception as exc:  # pyHanko, the TSA's HTTP client and the key raise many kinds
        raise SigningFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
    return out.getvalue()


def signing_time_lines(now: dt.datetime) -> dict[str, str]:
    """The signing time in Asia/Muscat, as the English line and the Arabic line print it."""
    local = now.astimezone(MUSCAT).strftime("%Y-%m-%d %H:%M")
    # HarfBuzz lays a right-to-left line out wholly from right to left, digits too; the
    # bidirectional algorithm would keep the date's digits left to right. The one left-to-right
    # run of the Arabic line is handed over reversed, so it comes out in reading order.
    ltr_run = to_arabic_indic(local)[::-1]
    return {"time_en": f"Signed on {local} (Asia/Muscat)", "time_ar": f"وقت التوقيع {ltr_run} بتوقيت مسقط"}


@lru_cache(maxsize=2)
def _stamp_style(font_dir: str):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # One line per script: HarfBuzz shapes a line in one direction, guessed from its script.
    text = "\n".join((SIGNED_BY_EN, SIGNED_BY_AR, "%(time_en)s", "%(time_ar)s"))
    font = GlyphAccumulatorFactory(str(Path(font_dir) / STAMP_FONT), font_size=7)
    return TextStampStyle(stamp_text=text, border_width=1, border_color=(0.69, 0.55, 0.24),
                          text_box_style=TextBoxStyle(font=font, font_size=7, leading=8, box_layout_rule=SimpleBoxLayoutRule(
                              x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID, margins=Margins.uniform(1)),
                                                      text_color=(0.04, 0.36, 0.23)),
                          background=None,
                          inner_content_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID,
                                                                   y_align=AxisAlignment.ALIGN_MID,
                                                                   margins=Margins.uniform(3)))
