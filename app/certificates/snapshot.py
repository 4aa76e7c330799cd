"""What a membership certificate printed, frozen so the same PDF can be made again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.certificates.errors import CertificateSnapshotError

_DATE_FIELDS = ("issued_on", "expires_on")


@dataclass(frozen=True)
class CertificateSnapshot:
    """Every value one certificate printed, in both languages.

    Kept with the certificate when it is issued. The PDF is a function of this
    snapshot (plus the verification URL and the font), so a lost certificate
    is reproduced from it byte for byte, whatever the company's record says
    today.
    """

    serial: str
    chamber_name_en: str
    chamber_name_ar: str
    company_name_en: str
    company_name_ar: str
    cr_number: str
    grade_en: str
    grade_ar: str
    occi_number: str
    issued_on: date
    expires_on: date
    head_office_en: str
    head_office_ar: str
    # The chamber's details as set in the back office when it was issued; older snapshots lack them.
    chamber_address_en: str = ""
    chamber_address_ar: str = ""
    chamber_phone: str = ""
    signatory_name_en: str = ""
    signatory_name_ar: str = ""
    signatory_title_en: str = ""
    signatory_title_ar: str = ""

    def __post_init__(self) -> None:
        # Checked here rather than at render time, so a bad snapshot is refused
        # before it is stored, not years later when it is reprinted.
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _DATE_FIELDS:
                # datetime is a date too, but a certificate prints days only.
                if not isinstance(value, date) or isinstance(value, datetime):
                    raise CertificateSnapshotError(
                        _l("The certificate snapshot field %(field)s must be a date."),
                        field=f.name,
                    )
            elif not isinstance(value, str):
                raise CertificateSnapshotError(
                    _l("The certificate snapshot field %(field)s must be text."), field=f.name
                )

    def to_dict(self) -> dict[str, str]:
        """The snapshot as JSON-safe data: every value a string, dates in ISO form."""
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat()
        data["expires_on"] = self.expires_on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CertificateSnapshot:
        """Read back what `to_dict` wrote; refuse anything else with a clear error."""
        if not isinstance(data, Mapping):
            raise CertificateSnapshotError(_l("The certificate snapshot is not a mapping."))
        names = [f.name for f in fields(cls)]
        missing = [f.name for f in fields(cls) if f.name not in data and f.default is MISSING]
        if missing:
            raise CertificateSnapshotError(
                _l("The certificate snapshot lacks %(fields)s."), fields=", ".join(missing)
            )
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise CertificateSnapshotError(
                _l("The certificate snapshot has unknown fields: %(fields)s."),
                fields=", ".join(unknown),
            )
        values = {
            name: _parse_iso_date(name, data[name]) if name in _DATE_FIELDS else data[name]
            for name in names if name in data
        }
        return cls(**values)


def _parse_iso_date(name: str, value: Any) -> date:
    # Exactly YYYY-MM-DD, the form to_dict writes; fromisoformat alone would
    # also take "20180319" and week dates.
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CertificateSnapshotError(
        _l("The certificate snapshot field %(field)s is not a date (YYYY-MM-DD)."), field=name
    )
