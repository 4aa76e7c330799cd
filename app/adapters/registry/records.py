"""What the commercial registry says about a company and its signatories."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

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


def is_registry_number(value: object) -> bool:
    """True for a civil ID or CR number as the registry writes it (digits only)."""
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


@dataclass(frozen=True)
class RegistrySignatory:
    """A person (by civil ID) the registry allows to act for a company."""

    civil_id: str
    name_en: str
    name_ar: str
    role: str

    def __post_init__(self) -> None:
        if not is_registry_number(self.civil_id):
            raise ValueError(f"civil_id: {self.civil_id!r} is not digits only")
        _require_text("name_en", self.name_en)
        _require_text("name_ar", self.name_ar)
        if not (self.name_en.strip() or self.name_ar.strip()):
            raise ValueError("name_en: a signatory needs a name in English or Arabic")
        if self.role not in SIGNATORY_ROLES:
            raise ValueError(f"role: {self.role!r} is not one of {SIGNATORY_ROLES}")


@dataclass(frozen=True)
class RegistryCompany:
    """One commercial registration (CR) as the Ministry of Commerce holds it."""

    cr_number: str
    name_en: str
    name_ar: str
    address: str
    governorate_code: str
    grade_code: str
    status: str
    expires_on: date | None
    updated_at: datetime
    signatories: tuple[RegistrySignatory, ...]

    def __post_init__(self) -> None:
        if not is_registry_number(self.cr_number):
            raise ValueError(f"cr_number: {self.cr_number!r} is not digits only")
        _require_text("name_en", self.name_en)
        _require_text("name_ar", self.name_ar)
        # The Ministry registers every company under an Arabic name; the English
        # one is optional there.
        if not self.name_ar.strip():
            raise ValueError("name_ar: a company needs its Arabic name")
        _require_text("address", self.address)
        if self.governorate_code not in GOVERNORATE_CODES:
            raise ValueError(f"governorate_code: {self.governorate_code!r} is not a governorate")
        if self.grade_code not in GRADE_CODES:
            raise ValueError(f"grade_code: {self.grade_code!r} is not a grade")
        if self.status not in STATUSES:
            raise ValueError(f"status: {self.status!r} is not one of {STATUSES}")
        if self.expires_on is not None and (
            not isinstance(self.expires_on, date) or isinstance(self.expires_on, datetime)
        ):
            raise ValueError("expires_on: must be a date or None")
        if not isinstance(self.updated_at, datetime) or self.updated_at.utcoffset() != _ZERO:
            raise ValueError("updated_at: must be a timezone-aware UTC datetime")
        if not isinstance(self.signatories, tuple) or not all(
            isinstance(s, RegistrySignatory) for s in self.signatories
        ):
            raise ValueError("signatories: must be a tuple of RegistrySignatory")
        civil_ids = [s.civil_id for s in self.signatories]
        if len(set(civil_ids)) != len(civil_ids):
            raise ValueError("signatories: a civil ID is listed twice")

    def has_signatory(self, civil_id: str) -> bool:
        return any(s.civil_id == civil_id for s in self.signatories)


_ZERO = timedelta(0)


def _require_text(field: str, value: object) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{field}: must be text, got {type(value).__name__}")


# --- JSON shape, shared by the demo file and the HTTP API -----------------------


def company_from_json(data: Any, where: str = "company") -> RegistryCompany:
    """Build a company from its JSON object; MalformedRegistryData names the bad field."""
    if not isinstance(data, Mapping):
        raise MalformedRegistryData(f"{where}: expected an object, got {type(data).__name__}")
    try:
        raw_signatories = _field(data, "signatories", where)
        if not isinstance(raw_signatories, list):
            raise MalformedRegistryData(f"{where}.signatories: expected a list")
        signatories = tuple(
            signatory_from_json(item, f"{where}.signatories[{i}]")
            for i, item in enumerate(raw_signatories)
        )
        return RegistryCompany(
            cr_number=_field(data, "cr_number", where),
            name_en=_field(data, "name_en", where),
            name_ar=_field(data, "name_ar", where),
            address=_field(data, "address", where),
            governorate_code=_field(data, "governorate_code", where),
            grade_code=_field(data, "grade_code", where),
            status=_field(data, "status", where),
            expires_on=_parse_date(_field(data, "expires_on", where), f"{where}.expires_on"),
            updated_at=_parse_timestamp(_field(data, "updated_at", where), f"{where}.updated_at"),
            signatories=signatories,
        )
    except ValueError as exc:
        raise MalformedRegistryData(f"{where}.{exc}") from exc


def signatory_from_json(data: Any, where: str = "signatory") -> RegistrySignatory:
    if not isinstance(data, Mapping):
        raise MalformedRegistryData(f"{where}: expected an object, got {type(data).__name__}")
    try:
        return RegistrySignatory(
            civil_id=_field(data, "civil_id", where),
            name_en=_field(data, "name_en", where),
            name_ar=_field(data, "name_ar", where),
            role=_field(data, "role", where),
        )
    except ValueError as exc:
        raise MalformedRegistryData(f"{where}.{exc}") from exc


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


def _field(data: Mapping, name: str, where: str) -> Any:
    if name not in data:
        raise MalformedRegistryData(f"{where}.{name}: missing")
    return data[name]


def _parse_date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedRegistryData(f"{where}: expected 'YYYY-MM-DD' or null")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise MalformedRegistryData(f"{where}: {value!r} is not a date") from exc


def _parse_timestamp(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise MalformedRegistryData(f"{where}: expected an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MalformedRegistryData(f"{where}: {value!r} is not a timestamp") from exc
    if moment.tzinfo is None:
        raise MalformedRegistryData(f"{where}: {value!r} has no time zone")
    return moment.astimezone(timezone.utc)
