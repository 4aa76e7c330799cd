"""Writing a registry JSON file for the sync tests (and the benchmark): companies in the registry's shape."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def company(cr_number: str, name_en: str = "Promising Projects", name_ar: str = "المشاريع الواعدة",
            grade: str = "fourth", status: str = "active", updated_at: str = "2026-01-08T06:15:00Z",
            signatories: tuple[str, ...] = ("1526575",)) -> dict:
    return {
        "cr_number": cr_number, "name_en": name_en, "name_ar": name_ar,
        "address": "Ruwi, Muttrah, Muscat Governorate", "governorate_code": "muscat", "grade_code": grade,
        "status": status, "expires_on": "2027-03-19", "updated_at": updated_at,
        "signatories": [{"civil_id": c, "name_en": f"Signatory {c}", "name_ar": "مفوض", "role": "owner"}
                        for c in signatories],
    }


def write_registry(path: Path, companies: list[dict]) -> None:
    """Replaces the file whole (a new inode), so the file registry sees the change at once."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"companies": companies}, out, ensure_ascii=False)
    os.replace(tmp, path)
