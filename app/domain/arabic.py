"""Arabic-side formatting: Arabic-Indic digits and the certificate's date forms."""

from __future__ import annotations

from datetime import date

#: Western digits to Arabic-Indic digits (U+0660..U+0669), the digits an Arabic
#: reader in Oman expects on an official document.
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def to_arabic_indic(value: str | int) -> str:
    """`value` with every digit 0-9 written as its Arabic-Indic digit.

    Everything else is left as it is, so "CR 1229237" becomes "CR ١٢٢٩٢٣٧".
    A bool is refused: it is an int to Python but never a number to print.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"to_arabic_indic takes a str or an int, not {type(value).__name__}")
    return str(value).translate(_ARABIC_INDIC)


def format_date_en(day: date) -> str:
    """The certificate's English date form, day/month/year: "19/03/2018"."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_date_ar(day: date) -> str:
    """The certificate's Arabic date form, the same order in Arabic-Indic digits: "١٩/٠٣/٢٠١٨".

    The string is in logical order (day first); a right-to-left renderer keeps
    the digit run itself left to right, which is how the old portal printed it.
    """
    return to_arabic_indic(format_date_en(day))
