"""The fee schedule preview: quotes per grade and service beside the schedule in force, differences marked."""
from __future__ import annotations

from datetime import date

from app.domain.fee_preview import preview
from tests.unit.domain.seed import ANNUAL_FEES, seed_schedule

GRADES = list(ANNUAL_FEES)


def rows_by_key(rows):
    return {(row.grade, row.label_id): row for row in rows}


def test_a_raised_fourth_grade_fee_marks_only_its_quotes():
    current = seed_schedule()
    proposed = seed_schedule(date(2019, 1, 1), annual_fees={**ANNUAL_FEES, "fourth": 30_000})
    rows = rows_by_key(preview(proposed, current, GRADES))
    renew_18 = rows[("fourth", "Renewal, one year and six months")]
    assert (renew_18.proposed, renew_18.in_force, renew_18.difference) == (45_000, 37_500, 7_500)
    new = rows[("fourth", "New membership (registration and first year)")]
    assert (new.proposed, new.in_force) == (40_000, 35_000)
    assert rows[("fourth", "Renewal, two years")].proposed == 60_000
    assert not rows[("third", "Renewal, one year")].changed
    assert sum(row.changed for row in rows.values()) == 4


def test_without_a_schedule_in_force_or_a_grade_fee_nothing_is_compared():
    proposed = seed_schedule(annual_fees={k: v for k, v in ANNUAL_FEES.items() if k != "first"})
    rows = rows_by_key(preview(proposed, None, GRADES))
    row = rows[("first", "Renewal, one year")]
    assert row.proposed is None and row.in_force is None and row.difference is None
    replacement = rows[(None, "Replacement certificate fee")]
    assert replacement.proposed == 4_000 and replacement.in_force is None and replacement.changed
