"""SMS parts: GSM-7 for Latin text (160 in one SMS, 153 a part), UCS-2 as soon as one Arabic letter appears
(70 in one SMS, 67 a part); characters of the GSM extension table count twice."""
from app.domain.sms_parts import GSM7, UCS2, sms_cost


def test_latin_text_is_gsm7_160_in_one_and_153_a_part():
    assert sms_cost("a" * 160) == sms_cost("a" * 160).__class__(GSM7, 160, 1, 160)
    assert (sms_cost("a" * 161).parts, sms_cost("a" * 161).per_part) == (2, 153)
    assert sms_cost("a" * 306).parts == 2
    assert sms_cost("a" * 307).parts == 3
    assert sms_cost("").parts == 0


def test_extension_characters_take_two_places():
    cost = sms_cost("{code}" + "a" * 154)  # 160 characters, 162 places
    assert (cost.encoding, cost.length, cost.parts) == (GSM7, 162, 2)


def test_an_arabic_sms_is_counted_in_parts_of_70_then_67():
    one = "رمز التحقق الخاص بك هو 482915"
    assert (sms_cost(one).encoding, sms_cost(one).length, sms_cost(one).parts) == (UCS2, len(one), 1)
    assert sms_cost("ب" * 70).parts == 1
    assert (sms_cost("ب" * 71).parts, sms_cost("ب" * 71).per_part) == (2, 67)
    assert sms_cost("ب" * 134).parts == 2
    assert sms_cost("ب" * 135).parts == 3


def test_one_arabic_letter_makes_a_latin_text_ucs2():
    text = "OCCI: membership No 91868 expires on 31 March 2027. Renew online: https://e.chamberoman.om/r ب"
    cost = sms_cost(text)
    assert cost.encoding == UCS2 and cost.parts == 2  # 96 characters: one GSM-7 SMS, two UCS-2 parts
    assert sms_cost(text[:-2]).parts == 1


def test_an_emoji_takes_two_ucs2_places():
    assert sms_cost("😀" * 35).length == 70 and sms_cost("😀" * 36).parts == 2
