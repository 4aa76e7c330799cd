"""The certificate snapshot: JSON-safe round trip, and refusal of anything malformed."""

import json
from dataclasses import replace
from datetime import date, datetime

import pytest

from app.certificates.errors import CertificateSnapshotError
from app.certificates.snapshot import CertificateSnapshot

from .seed import SEED


def test_to_dict_is_json_safe_with_iso_dates():
    data = SEED.to_dict()
    assert data["issued_on"] == "2018-03-19"
    assert data["expires_on"] == "2019-03-19"
    assert data["cr_number"] == "1229237"
    assert data["company_name_ar"] == "المشاريع الواعدة"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_round_trip_through_json():
    data = json.loads(json.dumps(SEED.to_dict()))
    assert CertificateSnapshot.from_dict(data) == SEED


def test_missing_field_is_named():
    data = SEED.to_dict()
    del data["occi_number"]
    with pytest.raises(CertificateSnapshotError, match="occi_number"):
        CertificateSnapshot.from_dict(data)


def test_unknown_field_is_named():
    with pytest.raises(CertificateSnapshotError, match="colour"):
        CertificateSnapshot.from_dict({**SEED.to_dict(), "colour": "green"})


@pytest.mark.parametrize("bad", ["19/03/2018", "20180319", "2018-02-30", "", None, 20180319])
def test_dates_must_be_iso(bad):
    with pytest.raises(CertificateSnapshotError, match="issued_on"):
        CertificateSnapshot.from_dict({**SEED.to_dict(), "issued_on": bad})


def test_text_fields_must_be_text():
    with pytest.raises(CertificateSnapshotError, match="cr_number"):
        CertificateSnapshot.from_dict({**SEED.to_dict(), "cr_number": 1229237})


def test_not_a_mapping():
    with pytest.raises(CertificateSnapshotError):
        CertificateSnapshot.from_dict(["serial"])


def test_constructor_refuses_datetimes_and_strings_for_dates():
    with pytest.raises(CertificateSnapshotError, match="issued_on"):
        replace(SEED, issued_on=datetime(2018, 3, 19, 10, 0))
    with pytest.raises(CertificateSnapshotError, match="expires_on"):
        replace(SEED, expires_on="2019-03-19")
    assert replace(SEED, expires_on=date(2020, 3, 19)).expires_on == date(2020, 3, 19)


def test_snapshot_is_frozen():
    with pytest.raises(AttributeError):
        SEED.serial = "other"  # type: ignore[misc]
