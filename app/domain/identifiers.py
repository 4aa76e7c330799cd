"""Checking and normalising the numbers people type: CR, OCCI, civil ID, passport, resident card, mobile.

Each `normalise_*` function returns the stored form or raises an
InvalidIdentifier subclass. Surrounding spaces are ignored, and digits typed on
an Arabic keyboard (٠-٩) count as digits.

Mobile numbers are stored in E.164 form. An Omani mobile has 8 digits starting
with 7 or 9 (99416689 -> +96899416689) and may be typed with +968, 00968
or 968 in front; spaces and dashes between digits are ignored. Any other
country's number is accepted as + (or 00), a country code not starting with 0,
and 8 to 15 digits in all.
"""
from __future__ import annotations

import re
from enum import StrEnum

from app.domain.digits import to_ascii_digits
from app.domain.errors import (
    InvalidCivilID,
    InvalidCRNumber,
    InvalidIdType,
    InvalidMobileNumber,
    InvalidOCCINumber,
    InvalidOmaniMobileNumber,
    InvalidPassportNumber,
    InvalidResidentCard,
)
from app.domain.messages import N_

CR_NUMBER_DIGITS = (4, 10)
OCCI_NUMBER_DIGITS = (1, 10)
CIVIL_ID_DIGITS = (5, 10)
RESIDENT_CARD_DIGITS = (5, 10)
PASSPORT_LENGTH = (6, 12)

OMAN_COUNTRY_CODE = "968"
_OMANI_MOBILE = re.compile(r"[79][0-9]{7}")
_E164_DIGITS = re.compile(r"[1-9][0-9]{7,14}")
_MOBILE_SEPARATORS = re.compile(r"[ \-]")


class IdType(StrEnum):
    CIVIL_ID = "civil_id"
    PASSPORT = "passport"
    RESIDENT_CARD = "resident_card"


ID_TYPE_LABELS = {
    IdType.CIVIL_ID: N_("Civil ID card"),
    IdType.PASSPORT: N_("Passport"),
    IdType.RESIDENT_CARD: N_("Resident card"),
}


def _clean(text: str | None) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise TypeError(f"identifiers are read from text, not {text!r}")
    return to_ascii_digits(text).strip()


def _digits(text: str | None, limits: tuple[int, int], error: type) -> str:
    value = _clean(text)
    low, high = limits
    if not (low <= len(value) <= high and value.isascii() and value.isdigit()):
        raise error(min=low, max=high)
    return value


def normalise_cr_number(text: str | None) -> str:
    """A commercial registration number: 4 to 10 digits (e.g. 1229237)."""
    return _digits(text, CR_NUMBER_DIGITS, InvalidCRNumber)


def normalise_occi_number(text: str | None) -> str:
    """A chamber membership (OCCI) number: 1 to 10 digits (e.g. 91868, 1128046)."""
    return _digits(text, OCCI_NUMBER_DIGITS, InvalidOCCINumber)


def normalise_civil_id(text: str | None) -> str:
    """An Omani civil ID number: 5 to 10 digits (e.g. 7324674, 1526575)."""
    return _digits(text, CIVIL_ID_DIGITS, InvalidCivilID)


def normalise_resident_card(text: str | None) -> str:
    """A resident card number: 5 to 10 digits."""
    return _digits(text, RESIDENT_CARD_DIGITS, InvalidResidentCard)


def normalise_passport_number(text: str | None) -> str:
    """A passport number: 6 to 12 Latin letters and digits, stored in upper case."""
    value = _clean(text).upper()
    low, high = PASSPORT_LENGTH
    if not (low <= len(value) <= high and value.isascii() and value.isalnum()):
        raise InvalidPassportNumber(min=low, max=high)
    return value


_ID_NORMALISERS = {
    IdType.CIVIL_ID: normalise_civil_id,
    IdType.PASSPORT: normalise_passport_number,
    IdType.RESIDENT_CARD: normalise_resident_card,
}


def normalise_id_number(id_type: IdType | str, text: str | None) -> str:
    """The ID number of a portal account, checked by the ID type chosen with it."""
    try:
        kind = IdType(id_type)
    except ValueError:
        raise InvalidIdType(id_type=id_type) from None
    return _ID_NORMALISERS[kind](text)


def normalise_mobile_number(text: str | None, *, allow_international: bool = True) -> str:
    """A mobile number in E.164 form: '99416689' -> '+96899416689'."""
    error = InvalidMobileNumber if allow_international else InvalidOmaniMobileNumber
    value = _MOBILE_SEPARATORS.sub("", _clean(text))
    if not value.isascii():
        raise error()
    if value.startswith("00"):
        value = "+" + value[2:]
    elif not value.startswith("+") and len(value) == 11 and value.startswith(OMAN_COUNTRY_CODE):
        value = "+" + value

    if value.startswith("+" + OMAN_COUNTRY_CODE):
        local = value[1 + len(OMAN_COUNTRY_CODE):]
    elif value.startswith("+"):
        if not allow_international or not _E164_DIGITS.fullmatch(value[1:]):
            raise error()
        return value
    else:
        local = value
    if not _OMANI_MOBILE.fullmatch(local):
        raise error()
    return f"+{OMAN_COUNTRY_CODE}{local}"
