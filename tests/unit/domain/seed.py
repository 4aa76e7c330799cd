"""The old portal's figures as domain objects, shared by the domain tests."""
from datetime import date

from app.domain.fees import FeeSchedule

GRADES = ("first", "second", "third", "fourth")

# Only the Fourth grade's RO 25 and the RO 4 service fees are the seed's; the
# other grades' fees are examples that keep First's fee well above Fourth's.
ANNUAL_FEES = {"first": 100_000, "second": 75_000, "third": 50_000, "fourth": 25_000}


def seed_schedule(effective_from=date(2018, 1, 1), **changes) -> FeeSchedule:
    values = dict(
        effective_from=effective_from,
        annual_fees=ANNUAL_FEES,
        registration_fee=10_000,
        replacement_fee=4_000,
        name_change_fee=4_000,
        grade_change_fee=4_000,
        late_fee_per_month=0,
    )
    values.update(changes)
    return FeeSchedule(**values)
