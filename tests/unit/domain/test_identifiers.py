import pytest

from app.domain.errors import (
    InvalidCivilID,
    InvalidCRNumber,
    InvalidIdentifier,
    InvalidIdType,
    InvalidMobileNumber,
    InvalidOCCINumber,
    InvalidOmaniMobileNumber,
    InvalidPassportNumber,
    InvalidResidentCard,
)
from app.domain.identifiers import (
    IdType,
    normalise_civil_id,
    normalise_cr_number,
    normalise_id_number,
    normalise_mobile_number,
    normalise_occi_number,
    normalise_passport_number,
    normalise_resident_card,
)


@pytest.mark.parametrize(
    "typed, stored",
    [("1229237", "1229237"), ("1445820", "1445820"), (" 1229237 ", "1229237"),
     ("1234", "1234"), ("1234567890", "1234567890"), ("0012345", "0012345"),
     ("١٢٢٩٢٣٧", "1229237")],
)
def test_cr_numbers(typed, stored):
    assert normalise_cr_number(typed) == stored


@pytest.mark.parametrize("typed", ["", None, "123", "12345678901", "12 29237", "1229237A",
                                   "-1229237", "1229.237", "¹²³⁴"])
def test_bad_cr_numbers(typed):
    with pytest.raises(InvalidCRNumber) as caught:
        normalise_cr_number(typed)
    assert caught.value.params == {"min": 4, "max": 10}
    assert str(caught.value) == "A CR number has 4 to 10 digits."


@pytest.mark.parametrize("typed", ["91868", "1128046", "7", "1234567890"])
def test_occi_numbers(typed):
    assert normalise_occi_number(typed) == typed


@pytest.mark.parametrize("typed", ["", "12345678901", "OCCI91868", "9186 8"])
def test_bad_occi_numbers(typed):
    with pytest.raises(InvalidOCCINumber):
        normalise_occi_number(typed)


@pytest.mark.parametrize("typed", ["7324674", "1526575", "12345", "1234567890"])
def test_civil_ids(typed):
    assert normalise_civil_id(typed) == typed


@pytest.mark.parametrize("typed", ["1234", "12345678901", "A7324674", ""])
def test_bad_civil_ids(typed):
    with pytest.raises(InvalidCivilID):
        normalise_civil_id(typed)


@pytest.mark.parametrize("typed, stored", [("12345", "12345"), ("٩٨٧٦٥٤٣", "9876543")])
def test_resident_cards(typed, stored):
    assert normalise_resident_card(typed) == stored


@pytest.mark.parametrize("typed", ["1234", "12345678901", "R12345"])
def test_bad_resident_cards(typed):
    with pytest.raises(InvalidResidentCard):
        normalise_resident_card(typed)


@pytest.mark.parametrize(
    "typed, stored",
    [("k1234567", "K1234567"), ("123456789", "123456789"), ("AB1234", "AB1234"),
     (" p12345678901 ", "P12345678901")],
)
def test_passports(typed, stored):
    assert normalise_passport_number(typed) == stored


@pytest.mark.parametrize("typed", ["A1234", "A12345678901X", "AB-12345", "AB 12345", "جواز123456"])
def test_bad_passports(typed):
    with pytest.raises(InvalidPassportNumber):
        normalise_passport_number(typed)


def test_id_number_by_type():
    assert normalise_id_number("civil_id", "7324674") == "7324674"
    assert normalise_id_number(IdType.PASSPORT, "k1234567") == "K1234567"
    assert normalise_id_number("resident_card", "123456") == "123456"
    with pytest.raises(InvalidCivilID):
        normalise_id_number("civil_id", "K1234567")
    with pytest.raises(InvalidIdType):
        normalise_id_number("driving_licence", "123456")


@pytest.mark.parametrize(
    "typed",
    ["99416689", "+96899416689", "0096899416689", "96899416689", "+968 9941 6689",
     "9941-6689", " 99416689 ", "٩٩٤١٦٦٨٩", "+٩٦٨٩٩٤١٦٦٨٩"],
)
def test_omani_mobile_numbers_are_stored_in_e164(typed):
    assert normalise_mobile_number(typed) == "+96899416689"
    assert normalise_mobile_number(typed, allow_international=False) == "+96899416689"


def test_omani_mobiles_start_with_7_or_9():
    assert normalise_mobile_number("71234567") == "+96871234567"
    for typed in ("24123456", "+96824123456", "81234567", "9941668", "994166890",
                  "+9689941668"):
        with pytest.raises(InvalidMobileNumber):
            normalise_mobile_number(typed)


@pytest.mark.parametrize(
    "typed, stored",
    [("+971501234567", "+971501234567"), ("00447911123456", "+447911123456"),
     ("+1 415 555 2671", "+14155552671"), ("+12345678", "+12345678"),
     ("+123456789012345", "+123456789012345")],
)
def test_international_mobiles(typed, stored):
    assert normalise_mobile_number(typed) == stored


@pytest.mark.parametrize(
    "typed", ["+1234567", "+1234567890123456", "+0123456789", "++971501234567",
              "+97150123456x", "", None, "phone", "(+971) 501234567"],
)
def test_bad_mobiles(typed):
    with pytest.raises(InvalidMobileNumber):
        normalise_mobile_number(typed)


def test_foreign_numbers_refused_when_only_omani_allowed():
    with pytest.raises(InvalidOmaniMobileNumber) as caught:
        normalise_mobile_number("+971501234567", allow_international=False)
    assert str(caught.value) == "Enter an Omani mobile number of 8 digits starting with 7 or 9."


def test_identifier_errors_form_one_family():
    for error in (InvalidCRNumber, InvalidOCCINumber, InvalidCivilID, InvalidPassportNumber,
                  InvalidResidentCard, InvalidMobileNumber, InvalidIdType):
        assert issubclass(error, InvalidIdentifier)
