"""Reading a rendered certificate back: text via pypdf and poppler, word boxes, Arabic normalisation."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from html import unescape

import pypdf

#: Bidi controls that extractors put around right-to-left runs (poppler does).
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
#: Arabic letters, base and presentation forms; not the Arabic-Indic digits,
#: which run left to right even inside Arabic text.
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufeff]")


def normalise_arabic_extracted(text: str) -> str:
    """Extracted text with Arabic presentation forms folded back to letters.

    NFKC maps each joined form (initial, medial, final, isolated) and each
    lam-alef ligature to the base letters; bidi controls are dropped and
    whitespace collapsed. Word order and letter order are left as extracted:
    see `arabic_words` for comparing regardless of visual or logical order.
    """
    text = unicodedata.normalize("NFKC", text.translate(_BIDI_CONTROLS))
    return " ".join(text.split())


def arabic_words(text: str) -> set[str]:
    """Every word of extracted text, in logical spelling whichever order it came in.

    A right-to-left word extracted in visual order has its letters reversed.
    Each word is therefore offered as written and reversed -- reversed before
    NFKC, because a lam-alef ligature is one glyph in visual order and must
    stay "لا" once unfolded.
    """
    text = text.translate(_BIDI_CONTROLS)
    words: set[str] = set()
    for word in text.split():
        words.add(unicodedata.normalize("NFKC", word))
        words.add(unicodedata.normalize("NFKC", word[::-1]))
    return words


def has_arabic(text: str) -> bool:
    return bool(_ARABIC_LETTER.search(text))


def pypdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def poppler_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


@dataclass(frozen=True)
class Word:
    """One word poppler found on the page, as drawn (visual order), with its box in points."""

    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def logical(self) -> str:
        """The word in logical spelling: right-to-left words are drawn reversed."""
        drawn = self.text[::-1] if has_arabic(self.text) else self.text
        return unicodedata.normalize("NFKC", drawn)


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def poppler_words(pdf: bytes) -> list[Word]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [
        Word(unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3]))
        for m in _WORD.findall(out)
    ]


def find_word(words: list[Word], logical: str) -> Word:
    """The one word on the page spelled `logical`; fails if it is missing or repeated."""
    found = [w for w in words if w.logical == logical]
    assert len(found) == 1, f"{logical!r} found {len(found)} times among {[w.logical for w in words]}"
    return found[0]
