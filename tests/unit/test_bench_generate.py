"""The bench data generator: reproducible, bilingual, consistent rows (no database needed)."""
from __future__ import annotations

import datetime as dt
import re

from bench.generate import (
    CERTIFICATE_COLUMNS,
    COMPANY_COLUMNS,
    MEMBERSHIP_COLUMNS,
    SIGNATORY_COLUMNS,
    Reference,
    company_batches,
)

TODAY = dt.date(2026, 11, 24)
REFERENCE = Reference(
    grades={code: (rank + 1, code.title(), f"درجة {rank}") for rank, code in
            enumerate(("excellent", "first", "second", "third", "fourth"))},
    governorates=[(10, "Muscat Governorate", "محافظة مسقط"), (11, "Dhofar Governorate", "محافظة ظفار")],
)
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _rows(n: int, seed: int, batch: int = 5000) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {"company": [], "signatory": [], "membership": [], "certificate": []}
    for part in company_batches(n, seed=seed, today=TODAY, reference=REFERENCE, batch=batch):
        for table, values in part.rows.items():
            rows[table].extend(values)
    return rows


def _as_dicts(rows: list[tuple], columns: tuple[str, ...]) -> list[dict]:
    return [dict(zip(columns, row)) for row in rows]


def test_the_same_seed_gives_the_same_rows_whatever_the_batch_size():
    assert _rows(200, seed=5) == _rows(200, seed=5, batch=7)
    assert _rows(200, seed=5) != _rows(200, seed=6)


def test_every_company_has_unique_numbers_bilingual_names_and_its_records():
    rows = _rows(500, seed=1)
    companies = _as_dicts(rows["company"], COMPANY_COLUMNS)
    memberships = _as_dicts(rows["membership"], MEMBERSHIP_COLUMNS)
    signatories = _as_dicts(rows["signatory"], SIGNATORY_COLUMNS)
    certificates = _as_dicts(rows["certificate"], CERTIFICATE_COLUMNS)
    assert [c["id"] for c in companies] == list(range(1, 501))
    assert len({c["cr_number"] for c in companies}) == 500
    assert all(re.fullmatch(r"[0-9]{7}", c["cr_number"]) for c in companies)
    assert len({m["occi_number"] for m in memberships}) == 500
    assert all(c["name_en"].isascii() and ARABIC.search(c["name_ar"]) for c in companies)
    assert {c["governorate_id"] for c in companies} <= {10, 11}
    assert {s["company_id"] for s in signatories} == set(range(1, 501))
    assert len({(s["company_id"], s["civil_id"]) for s in signatories}) == len(signatories)
    assert len({c["verify_token"] for c in certificates}) == 500


def test_dates_agree_between_membership_and_certificate():
    rows = _rows(500, seed=2)
    memberships = {m["id"]: m for m in _as_dicts(rows["membership"], MEMBERSHIP_COLUMNS)}
    for certificate in _as_dicts(rows["certificate"], CERTIFICATE_COLUMNS):
        membership = memberships[certificate["membership_id"]]
        assert membership["joined_on"] <= certificate["issued_on"] <= certificate["expires_on"]
        assert certificate["expires_on"] == membership["expires_on"]
        assert certificate["snapshot"]["occi_number"] == membership["occi_number"]
    expired = sum(m["expires_on"] < TODAY for m in memberships.values())
    assert 0 < expired < len(memberships) / 2  # most members are current, some are not
