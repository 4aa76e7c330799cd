"""A membership's standing on a given day, and the dates a certificate may carry.

Status on `today` for a membership paid up to `expires_on` (inclusive):
- active: today <= expires_on;
- in_grace: the `grace_days` days after expires_on (expires_on + grace_days is
  the last day of grace); the company still counts as a member (`is_current`);
- expired: afterwards.
"""
from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from app.domain.dates import require_date
from app.domain.errors import CertificateExpiryBeforeIssue
from app.domain.labels import MEMBERSHIP_STATUSES


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    IN_GRACE = "in_grace"
    EXPIRED = "expired"


STATUS_LABELS = {status: MEMBERSHIP_STATUSES[status.value] for status in MembershipStatus}


def grace_ends_on(expires_on: date, grace_days: int) -> date:
    """The last day of the grace period after `expires_on`."""
    require_date(expires_on, "expires_on")
    if isinstance(grace_days, bool) or not isinstance(grace_days, int) or grace_days < 0:
        raise ValueError(f"grace_days must be a non-negative int, not {grace_days!r}")
    return expires_on + timedelta(days=grace_days)


def membership_status(expires_on: date, today: date, grace_days: int) -> MembershipStatus:
    """active, in_grace or expired on `today` (see the module docstring)."""
    require_date(today, "today")
    last_day_of_grace = grace_ends_on(expires_on, grace_days)
    if today <= expires_on:
        return MembershipStatus.ACTIVE
    if today <= last_day_of_grace:
        return MembershipStatus.IN_GRACE
    return MembershipStatus.EXPIRED


def is_current(expires_on: date, today: date, grace_days: int) -> bool:
    """True while the company counts as a member: active or in grace."""
    return membership_status(expires_on, today, grace_days) is not MembershipStatus.EXPIRED


def certificate_dates_valid(issued_on: date, expires_on: date) -> bool:
    """A certificate must expire after the day it is issued."""
    require_date(issued_on, "issued_on")
    require_date(expires_on, "expires_on")
    return expires_on > issued_on


def check_certificate_dates(issued_on: date, expires_on: date) -> None:
    """Raise CertificateExpiryBeforeIssue unless expires_on is after issued_on.

    The old portal printed a certificate issued 19/03/2018 expiring 19/09/2016;
    this refuses such a certificate.
    """
    if not certificate_dates_valid(issued_on, expires_on):
        raise CertificateExpiryBeforeIssue(issued_on=issued_on, expires_on=expires_on)
