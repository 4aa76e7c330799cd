"""What a fee schedule would charge, beside the schedule in force: one row per grade and service.

For every grade: a new membership (registration and the first year) and a renewal of an
active membership for one year, one and a half years and two years; then the one-off
fees (replacement, name change, grade change, late fee per month), which do not depend on
the grade. Each row holds the amount under the proposed schedule, under the schedule in
force (None when there is none, or it has no fee for that grade) and whether they differ.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.errors import MissingAnnualFee
from app.domain.fees import FEE_LABELS, FeeSchedule
from app.domain.messages import N_
from app.domain.quotes import new_membership_quote, renewal_quote

# The rows for each grade: label, and how to price it from a schedule and a grade code.
GRADE_ROWS = (
    ("new_membership", N_("New membership (registration and first year)")),
    ("renewal_12", N_("Renewal, one year")),
    ("renewal_18", N_("Renewal, one year and six months")),
    ("renewal_24", N_("Renewal, two years")),
)
SERVICE_ROWS = ("replacement_fee", "name_change_fee", "grade_change_fee", "late_fee_per_month")


@dataclass(frozen=True)
class PreviewRow:
    grade: str | None  # a grade code, or None for a fee that is the same for every grade
    label_id: str
    proposed: int | None
    in_force: int | None

    @property
    def difference(self) -> int | None:
        if self.proposed is None or self.in_force is None:
            return None
        return self.proposed - self.in_force

    @property
    def changed(self) -> bool:
        return self.proposed != self.in_force


def _grade_amount(schedule: FeeSchedule | None, grade_code: str, row: str, on: date) -> int | None:
    if schedule is None:
        return None
    try:
        if row == "new_membership":
            return new_membership_quote(schedule, grade_code, on).total
        months = int(row.rsplit("_", 1)[1])
        # An active membership expiring on `on`: no late fee, the period continues from the expiry.
        return renewal_quote(schedule, grade_code, on, months, on, grace_days=0).total
    except MissingAnnualFee:
        return None


def preview(proposed: FeeSchedule, in_force: FeeSchedule | None, grades: Sequence[str]) -> list[PreviewRow]:
    """The rows of the preview, grade by grade (in `grades` order), then the one-off fees."""
    on = proposed.effective_from
    rows = [
        PreviewRow(grade_code, label_id, _grade_amount(proposed, grade_code, row, on),
                   _grade_amount(in_force, grade_code, row, on))
        for grade_code in grades
        for row, label_id in GRADE_ROWS
    ]
    rows += [
        PreviewRow(None, FEE_LABELS[name], getattr(proposed, name),
                   getattr(in_force, name) if in_force is not None else None)
        for name in SERVICE_ROWS
    ]
    return rows
