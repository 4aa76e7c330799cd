"""Money as integer baisa (1 OMR = 1000 baisa): display, strict parsing, rounding.

Rounding rule: wherever a share of an amount is not a whole baisa (a percentage
voucher, half of an annual fee) it is rounded half up to the nearest baisa, i.e.
floor(exact + 1/2), computed exactly with fractions, never floats. So 50% of
25 001 baisa is 12 501 baisa and 12.5% of 10 baisa (1.25) is 1 baisa.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from app.domain.digits import to_ascii_digits
from app.domain.errors import AmountRequired, AmountTooLarge, InvalidAmount

BAISA_PER_RIAL = 1000
RIAL_AR = "ر.ع."
# Arabic-Indic digits and the Arabic decimal separator (U+066B).
_ARABIC_AMOUNT = str.maketrans({**{str(i): chr(0x0660 + i) for i in range(10)}, ".": "\u066b"})
# No fee or voucher of a chamber comes near a million rials; the cap turns a typo
# into a clear error instead of an overflowing database column.
MAX_BAISA = 1_000_000 * BAISA_PER_RIAL

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{1,3}))?")


def require_baisa(value: object, name: str = "amount") -> int:
    """Return `value` if it is an int count of baisa; floats and bools are bugs."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int number of baisa, not {value!r}")
    return value


def _split(baisa: int) -> tuple[str, int, int]:
    require_baisa(baisa)
    sign = "-" if baisa < 0 else ""
    rials, rest = divmod(abs(baisa), BAISA_PER_RIAL)
    return sign, rials, rest


def format_ro(baisa: int) -> str:
    """'RO 25' for whole rials, 'RO 37.500' otherwise, 'RO -5' for a discount."""
    sign, rials, rest = _split(baisa)
    if rest == 0:
        return f"RO {sign}{rials}"
    return f"RO {sign}{rials}.{rest:03d}"


def format_omr(baisa: int) -> str:
    """'25.000 OMR': always three decimals, as on the payment pages."""
    sign, rials, rest = _split(baisa)
    return f"{sign}{rials}.{rest:03d} OMR"


def format_omr_ar(baisa: int, arabic_digits: bool = False) -> str:
    """'25.000 ر.ع.': the Arabic form, the amount first (on the right when read).

    With `arabic_digits` (pages that use them throughout, such as the certificate)
    the amount is in Arabic-Indic digits with the Arabic decimal separator: '٢٥٫٠٠٠ ر.ع.'.
    """
    sign, rials, rest = _split(baisa)
    amount = f"{sign}{rials}.{rest:03d}"
    if arabic_digits:
        amount = amount.translate(_ARABIC_AMOUNT)
    return f"{amount} {RIAL_AR}"


def format_money(baisa: int, language: str = "en", *, style: str = "omr", arabic_digits: bool = False) -> str:
    """The one place money becomes text, in the reader's language.

    English: `style="ro"` gives 'RO 37.500' (quotes and fee lines), `style="omr"`
    '37.500 OMR' (payments and totals). Arabic: '37.500 ر.ع.' either way.
    """
    if style not in ("ro", "omr"):
        raise ValueError(f"unknown money style {style!r}")
    if language == "ar":
        return format_omr_ar(baisa, arabic_digits=arabic_digits)
    return format_ro(baisa) if style == "ro" else format_omr(baisa)


def parse_omr(text: str | None) -> int:
    """Read an amount in rials typed by a person into baisa: '25.5' -> 25500.

    Accepts digits with an optional '.' and one to three decimals, surrounded by
    spaces; Arabic-Indic digits are read as digits. Refuses signs, thousands
    separators, exponents, a bare or trailing '.', and more than three decimals.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        raise AmountRequired()
    if not isinstance(text, str):
        raise TypeError(f"parse_omr reads text, not {text!r}")
    cleaned = to_ascii_digits(text).strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise InvalidAmount(value=text.strip())
    rials, decimals = match.groups()
    # Checked on the text so absurdly long input never becomes a huge int.
    if len(rials.lstrip("0")) > len(str(MAX_BAISA // BAISA_PER_RIAL)):
        raise AmountTooLarge(limit=format_omr(MAX_BAISA))
    baisa = int(rials) * BAISA_PER_RIAL + int((decimals or "").ljust(3, "0"))
    if baisa > MAX_BAISA:
        raise AmountTooLarge(limit=format_omr(MAX_BAISA))
    return baisa


def round_half_up(exact: Fraction) -> int:
    """Round an exact amount of baisa half up (towards +infinity on a tie)."""
    return math.floor(exact + Fraction(1, 2))


def fraction_of(baisa: int, numerator: int, denominator: int) -> int:
    """numerator/denominator of `baisa`, rounded half up: fraction_of(25001, 1, 2) == 12501."""
    require_baisa(baisa)
    if denominator <= 0 or numerator < 0:
        raise ValueError("a share needs a positive denominator and a non-negative numerator")
    return round_half_up(Fraction(baisa) * Fraction(numerator, denominator))


def percent_of(baisa: int, percent: int | Decimal | Fraction) -> int:
    """`percent` % of `baisa`, rounded half up to a whole baisa."""
    require_baisa(baisa)
    if isinstance(percent, bool) or not isinstance(percent, (int, Decimal, Fraction)):
        raise TypeError(f"percent must be an int, Decimal or Fraction, not {percent!r}")
    return round_half_up(Fraction(baisa) * Fraction(percent) / 100)
