"""Fixtures for the registry unit tests: registry files written on the fly."""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest


def company_json(cr_number: str, updated_at: str = "2024-01-01T00:00:00Z", **changes) -> dict:
    """A valid company in the registry's JSON shape, with ``changes`` applied."""
    company = {
        "cr_number": cr_number,
        "name_en": f"Company {cr_number}",
        "name_ar": f"شركة {cr_number}",
        "address": "Ruwi, Muttrah, Muscat Governorate",
        "governorate_code": "muscat",
        "grade_code": "fourth",
        "status": "active",
        "expires_on": "2027-03-19",
        "updated_at": updated_at,
        "signatories": [
            {"civil_id": "1526575", "name_en": "Salim", "name_ar": "سالم", "role": "owner"}
        ],
    }
    company.update(copy.deepcopy(changes))
    return company


class RegistryFile:
    """A registry JSON file a test rewrites; every write moves its mtime forward."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mtime_ns = 1_700_000_000_000_000_000

    def write(self, companies: list[dict] | None = None, *, raw: str | None = None) -> None:
        text = raw if raw is not None else json.dumps({"companies": companies}, ensure_ascii=False)
        self.path.write_text(text, encoding="utf-8")
        # Set the mtime explicitly: two writes within the file system's clock tick
        # would otherwise share one, and tests must not sleep to tell them apart.
        self._mtime_ns += 1_000_000_000
        os.utime(self.path, ns=(self._mtime_ns, self._mtime_ns))


@pytest.fixture(name="company_json")
def company_json_fixture():
    return company_json


@pytest.fixture
def registry_file(tmp_path: Path) -> RegistryFile:
    return RegistryFile(tmp_path / "registry.json")
