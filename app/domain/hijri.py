"""The Umm al-Qura Hijri date of a Gregorian day, in Arabic, as the Arabic side of a document prints it beside the Gregorian one.

hijridate converts days from 1 August 1924 to 16 November 2077 (1 Muharram 1343 to the end of
1500 AH); outside that range there is no Hijri date to print, and None is returned.
"""
from __future__ import annotations

from datetime import date

from hijridate import Gregorian

from app.domain.arabic import to_arabic_indic

FIRST_DAY = date(1924, 8, 1)
LAST_DAY = date(2077, 11, 16)
#: "هـ": the Hijri era's abbreviation, after the year.
HIJRI_ERA = "هـ"


def hijri_parts(day: date) -> tuple[int, int, int] | None:
    """(year, month, day) in the Umm al-Qura calendar, or None outside the supported range."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return None
    hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    return hijri.year, hijri.month, hijri.day


def format_hijri_ar(day: date) -> str | None:
    """'٢ رجب ١٤٣٩ هـ' for 19 March 2018; None outside the range hijridate supports."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return None
    hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    return f"{to_arabic_indic(hijri.day)} {hijri.month_name('ar')} {to_arabic_indic(hijri.year)} {HIJRI_ERA}"
