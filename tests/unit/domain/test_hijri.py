"""The Umm al-Qura Hijri date printed beside the Gregorian one: month boundaries, Arabic month names, the range."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.hijri import FIRST_DAY, LAST_DAY, format_hijri_ar, hijri_parts


@pytest.mark.parametrize("day,parts,text", [
    (date(2018, 3, 19), (1439, 7, 2), "٢ رجب ١٤٣٩ هـ"),
    # Ramadan 1447 began on 18 February 2026 and ended on 19 March; Shawwal began on 20 March.
    (date(2026, 2, 17), (1447, 8, 29), "٢٩ شعبان ١٤٤٧ هـ"),
    (date(2026, 2, 18), (1447, 9, 1), "١ رمضان ١٤٤٧ هـ"),
    (date(2026, 3, 19), (1447, 9, 30), "٣٠ رمضان ١٤٤٧ هـ"),
    (date(2026, 3, 20), (1447, 10, 1), "١ شوال ١٤٤٧ هـ"),
    # The year's turn: 1 Muharram 1448 is 16 June 2026.
    (date(2026, 6, 15), (1447, 12, 29), "٢٩ ذو الحجة ١٤٤٧ هـ"),
    (date(2026, 6, 16), (1448, 1, 1), "١ محرم ١٤٤٨ هـ"),
])
def test_month_boundaries_with_arabic_month_names(day, parts, text):
    assert hijri_parts(day) == parts
    assert format_hijri_ar(day) == text


def test_every_day_follows_the_one_before_across_a_year():
    day, previous = date(2026, 1, 1), hijri_parts(date(2025, 12, 31))
    for _ in range(366):
        current = hijri_parts(day)
        year, month, mday = current
        if mday == 1:
            assert previous[2] in (29, 30) and (month == previous[1] + 1 or (month, year) == (1, previous[0] + 1))
        else:
            assert (year, month, mday) == (previous[0], previous[1], previous[2] + 1)
        day, previous = day + timedelta(days=1), current


def test_the_supported_range_and_beyond_it():
    assert hijri_parts(FIRST_DAY) == (1343, 1, 1) and format_hijri_ar(FIRST_DAY) == "١ محرم ١٣٤٣ هـ"
    assert hijri_parts(LAST_DAY) == (1500, 12, 30)
    assert hijri_parts(FIRST_DAY - timedelta(days=1)) is None and format_hijri_ar(date(1900, 1, 1)) is None
    assert hijri_parts(LAST_DAY + timedelta(days=1)) is None and format_hijri_ar(date(2100, 1, 1)) is None


def test_the_printed_papers_and_the_certificate_carry_the_hijri_date_on_their_arabic_side():
    import datetime as dt

    from app.certificates.pdf import hijri_line
    from app.certificates.snapshot import CertificateSnapshot
    from app.services.counter.documents import muscat

    english, arabic = muscat(dt.datetime(2026, 3, 19, 20, 30))  # 00:30 on 20 March in Muscat: 1 Shawwal
    assert english == "2026-03-20 00:30 (Asia/Muscat)" and "١ شوال ١٤٤٧ هـ" in arabic and "شوال" not in english
    snapshot = CertificateSnapshot.from_dict({
        "serial": "2026-0A1B2C3D", "chamber_name_en": "C", "chamber_name_ar": "غ", "company_name_en": "c",
        "company_name_ar": "ش", "cr_number": "1", "grade_en": "F", "grade_ar": "ر", "occi_number": "1",
        "issued_on": "2026-03-19", "expires_on": "2027-03-19", "head_office_en": "", "head_office_ar": ""})
    assert hijri_line(snapshot) == "بالتقويم الهجري (أم القرى): من ٣٠ رمضان ١٤٤٧ هـ إلى ١١ شوال ١٤٤٨ هـ"
    beyond = CertificateSnapshot.from_dict({
        "serial": "2077-0A1B2C3D", "chamber_name_en": "C", "chamber_name_ar": "غ", "company_name_en": "c",
        "company_name_ar": "ش", "cr_number": "1", "grade_en": "F", "grade_ar": "ر", "occi_number": "1",
        "issued_on": "2077-11-01", "expires_on": "2078-11-01", "head_office_en": "", "head_office_ar": ""})
    assert hijri_line(beyond) is None
