"""Arabic-Indic digits and the certificate's date forms, on the seed certificate's figures."""

from datetime import date

import pytest

from app.domain.arabic import format_date_ar, format_date_en, to_arabic_indic


def test_cr_number_in_arabic_indic_digits():
    assert to_arabic_indic(1229237) == "١٢٢٩٢٣٧"
    assert to_arabic_indic("1229237") == "١٢٢٩٢٣٧"
    assert to_arabic_indic("0123456789") == "٠١٢٣٤٥٦٧٨٩"


def test_only_digits_change():
    assert to_arabic_indic("CR 1128046 / OCCI") == "CR ١١٢٨٠٤٦ / OCCI"
    assert to_arabic_indic("محافظة مسقط") == "محافظة مسقط"
    assert to_arabic_indic("") == ""
    assert to_arabic_indic(0) == "٠"


@pytest.mark.parametrize("value", [True, 12.5, None, b"12"])
def test_refuses_what_is_not_text_or_a_whole_number(value):
    with pytest.raises(TypeError):
        to_arabic_indic(value)


def test_seed_dates():
    assert format_date_en(date(2018, 3, 19)) == "19/03/2018"
    assert format_date_ar(date(2018, 3, 19)) == "١٩/٠٣/٢٠١٨"
    assert format_date_en(date(2019, 3, 19)) == "19/03/2019"
    assert format_date_ar(date(2019, 3, 19)) == "١٩/٠٣/٢٠١٩"


def test_dates_are_zero_padded_day_month_year():
    assert format_date_en(date(2020, 1, 5)) == "05/01/2020"
    assert format_date_ar(date(2020, 1, 5)) == "٠٥/٠١/٢٠٢٠"
    assert format_date_en(date(999, 12, 31)) == "31/12/0999"
