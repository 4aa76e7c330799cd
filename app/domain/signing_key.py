"""When the chamber's signing key needs renewing: a rule on its expiry and today's moment, both given."""
from __future__ import annotations

import datetime as dt
import math


def days_left(expires_at: dt.datetime, now: dt.datetime) -> int:
    """Whole days until the key expires (0 on its last day, negative once expired); both aware."""
    return math.floor((expires_at - now).total_seconds() / 86400)


def renewal_due(expires_at: dt.datetime, now: dt.datetime, warn_days: int) -> bool:
    """True once the key expires within `warn_days` days (or has expired)."""
    return days_left(expires_at, now) < warn_days
