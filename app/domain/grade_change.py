"""How a change of grade converts the membership time already paid for.

The days still paid for (current_expiry - requested_on, never below zero) are
worth days * old_fee at the old grade's price; at the new grade's price they buy
days * old_fee // new_fee days (integer arithmetic, rounded down), counted from
the request date. With no paid days left the expiry does not move. Moving to a cheaper grade therefore lengthens the membership,
moving to a dearer one shortens it.

The result is capped: never more than one year from the request
(add_months(requested_on, 12)). The cap does not shorten a membership that was
already paid beyond that year (e.g. renewed for two years, then lowered to a
cheaper grade): there the expiry stays as it was, so no one loses paid time.

For example: requested 2018-03-18, expiry 2018-12-13 (270 days), First (100 000) ->
Fourth (25 000): 1080 days, capped at 2019-03-18.
"""
from __future__ import annotations

from datetime import date, timedelta

from app.domain.dates import add_months, require_date
from app.domain.money import require_baisa


def new_expiry_after_grade_change(
    old_annual_fee: int,
    new_annual_fee: int,
    current_expiry: date,
    requested_on: date,
) -> date:
    """The expiry date after moving from a grade at `old_annual_fee` to `new_annual_fee`."""
    require_baisa(old_annual_fee, "old_annual_fee")
    require_baisa(new_annual_fee, "new_annual_fee")
    require_date(current_expiry, "current_expiry")
    require_date(requested_on, "requested_on")
    if old_annual_fee < 0 or new_annual_fee < 0:
        raise ValueError("annual fees cannot be negative")

    remaining_days = max(0, (current_expiry - requested_on).days)
    if remaining_days == 0:
        # Nothing paid is left to convert; the expiry is not moved.
        return current_expiry
    cap = max(add_months(requested_on, 12), current_expiry)
    if old_annual_fee == new_annual_fee:
        converted_days = remaining_days
    elif new_annual_fee == 0:
        # Paid time at a free grade is worth unlimited days: the cap applies.
        return cap
    else:
        converted_days = remaining_days * old_annual_fee // new_annual_fee
    return min(requested_on + timedelta(days=converted_days), cap)
