"""How far ahead a membership may be paid: a renewal may not carry the expiry too far past today.

The cap is counted in whole months: with the default of 24, the new expiry may lie at most
24 whole months after today (a renewal for two years on the day before the old expiry,
to one day past the two years, is allowed; renewing the same membership again the same
day, to three years ahead, is refused). The number comes from configuration
(`MAX_PAID_AHEAD_MONTHS`); the rule takes `today` as an argument like every rule here.
"""
from __future__ import annotations

from datetime import date

from app.domain.dates import add_months, require_date
from app.domain.errors import PaidTooFarAhead

DEFAULT_MAX_PAID_AHEAD_MONTHS = 24


def latest_expiry(today: date, max_months: int) -> date:
    """The last expiry date a payment made on `today` may lead to."""
    require_date(today, "today")
    if isinstance(max_months, bool) or not isinstance(max_months, int) or max_months < 12:
        raise ValueError(f"the cap must be a whole number of months, at least 12, not {max_months!r}")
    # Whole months: the day before the (max_months + 1)-th month after today ends.
    return date.fromordinal(add_months(today, max_months + 1).toordinal() - 1)


def check_paid_ahead(new_expiry: date, today: date, max_months: int) -> None:
    """Refuse (PaidTooFarAhead) a payment that would carry the expiry past the cap."""
    require_date(new_expiry, "new_expiry")
    if new_expiry > latest_expiry(today, max_months):
        raise PaidTooFarAhead(months=max_months, new_expiry=new_expiry.isoformat())
