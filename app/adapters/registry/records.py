"""What the commercial registry says about a company and its signatories."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

import msgspec

from .errors import MalformedRegistryData

GRADE_CODES = ("excellent", "first", "second", "third", "fourth")

# Oman's eleven governorates, in the registry's codes.
GOVERNORATE_CODES = (
    "muscat",
    "dhofar",
    "musandam",
    "buraimi",
    "dakhiliyah",
    "north_batinah",
    "south_batinah",
    "south_sharqiyah",
    "north_sharqiyah",
    "dhahirah",
    "wusta",
)

STATUSES = ("active", "cancelled", "expired", "suspended")

SIGNATORY_ROLES = ("owner", "partner", "manager", "authorised_signatory")

# Civil ID and CR numbers are plain digit strings; leading zeros are kept.
_NUMBER = re.compile(r"[0-9]{1,15}")
RegistryNumber = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,15}$")]


def is_registry_number(value: object) -> bool:
    """True for a civil ID or CR number as the registry writes it (digits only)."""
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


# The records are msgspec structs: the registry's JSON is checked against these types
# (digits, codes, dates, time zones) as it is decoded, in C, 100,000 companies in well
# under a second; __post_init__ adds the rules a type cannot say.


class RegistrySignatory(msgspec.Struct, frozen=True):
    """A person (by civil ID) the registry allows to act for a company."""

    civil_id: RegistryNumber
    name_en: str
    name_ar: str
    role: Literal[SIGNATORY_ROLES]  # type: ignore[valid-type]

    def __post_init__(self) -> None:
        if not (self.name_en.strip() or self.name_ar.strip()):
            raise ValueError("name_en: a signatory needs a name in English or Arabic")


class RegistryCompany(msgspec.Struct, frozen=True):
    """One commercial registration (CR) as the Ministry of Commerce holds it."""

    cr_number: RegistryNumber
    name_en: str
    name_ar: str
    address: str
    governorate_code: Literal[GOVERNORATE_CODES]  # type: ignore[valid-type]
    grade_code: Literal[GRADE_CODES]  # type: ignore[valid-type]
    status: Literal[STATUSES]  # type: ignore[valid-type]
    expires_on: date | None
    updated_at: Annotated[datetime, msgspec.Meta(tz=True)]
    signatories: tuple[RegistrySignatory, ...]

    def __post_init__(self) -> None:
        # The Ministry registers every company under an Arabic name; the English
        # one is optional there.
        if not self.name_ar.strip():
            raise ValueError("name_ar: a company needs its Arabic name")
        if self.updated_at.tzinfo is not timezone.utc:
            msgspec.structs.force_setattr(self, "updated_at", self.updated_at.astimezone(timezone.utc))
        if len(self.signatories) > 1 and len({s.civil_id for s in self.signatories}) != len(self.signatories):
            raise ValueError("signatories: a civil ID is listed twice")

    def has_signatory(self, civil_id: str) -> bool:
        return any(s.civil_id == civil_id for s in self.signatories)


# --- JSON shape, shared by the demo file and the HTTP API -----------------------


def company_from_json(data: Any, where: str = "company") -> RegistryCompany:
    """Build a company from its decoded JSON object; MalformedRegistryData names the bad field."""
    try:
        return msgspec.convert(data, RegistryCompany)
    except msgspec.ValidationError as exc:
        raise malformed(exc, where) from exc


def companies_from_json(items: Any, where: str = "companies") -> list[RegistryCompany]:
    """Build a list of companies from decoded JSON at once (faster than one by one)."""
    try:
        return msgspec.convert(items, list[RegistryCompany])
    except msgspec.ValidationError as exc:
        raise malformed(exc, where) from exc


_ERROR = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`$")


def malformed(error: msgspec.ValidationError, where: str) -> MalformedRegistryData:
    """msgspec's "Expected `str`, got `int` - at `$[3].cr_number`" as "<where>[3].cr_number: expected `str`, got `int`"."""
    match = _ERROR.match(str(error))
    message, path = match["message"], match["path"] or ""
    missing = _MISSING.match(message)
    if missing:
        path, message = f"{path}.{missing['field']}", "missing"
    elif re.match(r"^[a-z_]+: ", message):
        # Raised by __post_init__: the message starts with the field it is about.
        field, _, message = message.partition(": ")
        path = f"{path}.{field}"
    else:
        message = message[:1].lower() + message[1:]
    return MalformedRegistryData(f"{where}{path}".lstrip(".") + f": {message}")


def company_to_json(company: RegistryCompany) -> dict[str, Any]:
    return {
        "cr_number": company.cr_number,
        "name_en": company.name_en,
        "name_ar": company.name_ar,
        "address": company.address,
        "governorate_code": company.governorate_code,
        "grade_code": company.grade_code,
        "status": company.status,
        "expires_on": company.expires_on.isoformat() if company.expires_on else None,
        "updated_at": format_timestamp(company.updated_at),
        "signatories": [
            {"civil_id": s.civil_id, "name_en": s.name_en, "name_ar": s.name_ar, "role": s.role}
            for s in company.signatories
        ],
    }


def format_timestamp(moment: datetime) -> str:
    """UTC ISO 8601 with microseconds and a 'Z', so strings sort like the moments."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
