"""The file-backed registry: demo data, lookups, reloading and malformed files."""
from __future__ import annotations

import json
import os
from datetime import date, datetime, timezone

import pytest
from app.adapters.registry import (
    GOVERNORATE_CODES,
    GRADE_CODES,
    FileRegistry,
    InvalidRegistryQuery,
    MalformedRegistryData,
    RegistryUnavailable,
)
from app.adapters.registry.file_registry import DEMO_REGISTRY_FILE


@pytest.fixture(scope="module")
def demo() -> FileRegistry:
    return FileRegistry(DEMO_REGISTRY_FILE)


# --- the shipped demo data ------------------------------------------------------


def test_demo_holds_the_guide_company_registered_as_a_new_member(demo):
    company = demo.company("1229237")
    assert company.name_en == "promising projects"
    assert company.name_ar == "المشاريع الواعدة"
    assert company.address == "Ruwi, Muttrah, Muscat Governorate, 423, 30"
    assert (company.governorate_code, company.grade_code, company.status) == ("muscat", "fourth", "active")
    assert [s.civil_id for s in company.signatories] == ["1526575"]
    assert company.updated_at.tzinfo is not None and company.updated_at.utcoffset().total_seconds() == 0


def test_demo_lists_both_guide_companies_for_their_shared_signatory(demo):
    company = demo.company("1445820")
    assert company.grade_code == "fourth"
    assert {s.civil_id for s in company.signatories} == {"7324674", "1526575"}
    hashmi = next(s for s in company.signatories if s.civil_id == "7324674")
    assert hashmi.name_en == "shmoouqa mohamed AL-hashmi"
    crs = [c.cr_number for c in demo.companies_for_civil_id("1526575")]
    assert "1229237" in crs and "1445820" in crs
    assert crs == sorted(crs, key=int)


def test_demo_covers_every_governorate_grade_and_the_odd_statuses(demo):
    companies = list(demo.all_companies(batch_size=4))
    assert {c.governorate_code for c in companies} == set(GOVERNORATE_CODES)
    assert {c.grade_code for c in companies} == set(GRADE_CODES)
    statuses = [c.status for c in companies]
    assert statuses.count("cancelled") >= 1
    expired = [c for c in companies if c.status == "expired"]
    assert expired and all(c.expires_on < date(2024, 1, 1) for c in expired)
    # The seed user can reach the change-name and change-grade examples.
    assert {"1102345", "1310022", "1445820"} <= {
        c.cr_number for c in demo.companies_for_civil_id("7324674")
    }


# --- lookups --------------------------------------------------------------------


def test_lookup_by_civil_id_and_cr(registry_file, company_json):
    registry_file.write([
        company_json("300", signatories=[
            {"civil_id": "11", "name_en": "A", "name_ar": "أ", "role": "owner"},
            {"civil_id": "22", "name_en": "B", "name_ar": "ب", "role": "partner"},
        ]),
        company_json("20", signatories=[{"civil_id": "22", "name_en": "B", "name_ar": "ب", "role": "manager"}]),
    ])
    registry = FileRegistry(registry_file.path)
    assert [c.cr_number for c in registry.companies_for_civil_id("22")] == ["20", "300"]
    assert [c.cr_number for c in registry.companies_for_civil_id("11")] == ["300"]
    assert registry.companies_for_civil_id("99") == []
    assert registry.company("20").signatories[0].role == "manager"
    assert registry.company("21") is None


@pytest.mark.parametrize("bad", ["", "12 34", "abc", "١٢٣", None, 1526575, "1" * 16])
def test_a_malformed_civil_id_or_cr_is_refused_with_a_translatable_message(demo, bad):
    with pytest.raises(InvalidRegistryQuery) as civil:
        demo.companies_for_civil_id(bad)
    assert "civil ID" in str(civil.value.message)
    with pytest.raises(InvalidRegistryQuery) as cr:
        demo.company(bad)
    assert "CR number" in str(cr.value.message)


# --- reloading ------------------------------------------------------------------


def test_the_file_is_read_again_when_its_mtime_changes(registry_file, company_json):
    registry_file.write([company_json("100", name_en="Old name")])
    registry = FileRegistry(registry_file.path)
    assert registry.company("100").name_en == "Old name"

    registry_file.write([company_json("100", name_en="New name"), company_json("200")])
    assert registry.company("100").name_en == "New name"
    assert registry.company("200") is not None


def test_the_file_is_not_read_again_while_its_mtime_and_size_stay(registry_file, company_json):
    registry_file.write([company_json("100", name_en="Name A")])
    registry = FileRegistry(registry_file.path)
    assert registry.company("100").name_en == "Name A"
    stat = os.stat(registry_file.path)

    registry_file.path.write_text(
        json.dumps({"companies": [company_json("100", name_en="Name B")]}, ensure_ascii=False),
        encoding="utf-8",
    )
    os.utime(registry_file.path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(registry_file.path).st_size == stat.st_size
    assert registry.company("100").name_en == "Name A"


def test_a_broken_edit_is_refused_until_the_file_is_fixed(registry_file, company_json):
    registry_file.write([company_json("100")])
    registry = FileRegistry(registry_file.path)
    assert registry.company("100") is not None

    registry_file.write([company_json("100", grade_code="fifth")])
    with pytest.raises(RegistryUnavailable) as failure:
        registry.company("100")
    assert "companies[0].grade_code" in failure.value.detail

    registry_file.write([company_json("100", grade_code="third")])
    assert registry.company("100").grade_code == "third"


def test_a_missing_file_makes_the_registry_unavailable(tmp_path):
    registry = FileRegistry(tmp_path / "nowhere.json")
    with pytest.raises(RegistryUnavailable) as failure:
        registry.company("1229237")
    assert str(failure.value.message) == "The commercial registry cannot be reached. Please try again later."


# --- validation of malformed data -------------------------------------------------


def _signatory(**changes):
    return {"civil_id": "7324674", "name_en": "S", "name_ar": "س", "role": "owner", **changes}


def _without(company: dict, key: str) -> dict:
    return {k: v for k, v in company.items() if k != key}


# (raw file text, or a function of company_json giving the companies; expected detail)
MALFORMED = [
    ("not json", "not JSON"),
    ("[]", "companies"),
    ('{"companies": {}}', "companies"),
    (lambda cj: ["not an object"], "companies[0]: expected `object`, got `str`"),
    (lambda cj: [_without(cj("1"), "name_ar")], "companies[0].name_ar: missing"),
    (lambda cj: [cj("1", name_ar="  ")], "companies[0].name_ar"),
    (lambda cj: [cj("1A")], "companies[0].cr_number"),
    (lambda cj: [cj(1229237)], "companies[0].cr_number"),
    (lambda cj: [cj("1", grade_code="Fourth")], "companies[0].grade_code"),
    (lambda cj: [cj("1", governorate_code="batinah")], "companies[0].governorate_code"),
    (lambda cj: [cj("1", status="dormant")], "companies[0].status"),
    (lambda cj: [cj("1", expires_on="19/03/2018")], "companies[0].expires_on"),
    (lambda cj: [cj("1", updated_at="2024-01-01T00:00:00")], "companies[0].updated_at"),
    (lambda cj: [cj("1", updated_at=1704067200)], "companies[0].updated_at"),
    (lambda cj: [cj("1", address=None)], "companies[0].address"),
    (lambda cj: [cj("1", signatories="1526575")], "companies[0].signatories"),
    (lambda cj: [cj("1", signatories=[_signatory(civil_id="73-24")])], "signatories[0].civil_id"),
    (lambda cj: [cj("1", signatories=[_signatory(role="boss")])], "signatories[0].role"),
    (lambda cj: [cj("1", signatories=[_signatory(name_en="", name_ar="")])], "signatories[0].name_en"),
    (lambda cj: [cj("1", signatories=[_signatory(), _signatory()])], "listed twice"),
    (lambda cj: [cj("1"), cj("2"), cj("1")], "companies[2].cr_number: 1 is listed twice"),
]


@pytest.mark.parametrize("content, detail", MALFORMED)
def test_malformed_data_is_refused_naming_the_fault(registry_file, company_json, content, detail):
    if isinstance(content, str):
        registry_file.write(raw=content)
    else:
        registry_file.write(content(company_json))
    registry = FileRegistry(registry_file.path)
    with pytest.raises(MalformedRegistryData) as failure:
        registry.companies_for_civil_id("1526575")
    assert detail in failure.value.detail
    assert isinstance(failure.value, RegistryUnavailable)


def test_time_zones_are_brought_to_utc_and_unknown_keys_ignored(registry_file, company_json):
    registry_file.write([company_json("1", updated_at="2024-01-01T10:00:00+04:00", fax="24 00 00 00")])
    company = FileRegistry(registry_file.path).company("1")
    assert company.updated_at == datetime(2024, 1, 1, 6, 0, tzinfo=timezone.utc)
    assert company.updated_at.tzinfo is timezone.utc


def test_name_en_may_be_empty_and_expires_on_null(registry_file, company_json):
    registry_file.write([company_json("1", name_en="", expires_on=None)])
    company = FileRegistry(registry_file.path).company("1")
    assert (company.name_en, company.expires_on) == ("", None)
