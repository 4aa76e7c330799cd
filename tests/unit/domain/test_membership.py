from datetime import date

import pytest

from app.domain.errors import CertificateExpiryBeforeIssue
from app.domain.membership import (
    MembershipStatus,
    certificate_dates_valid,
    check_certificate_dates,
    grace_ends_on,
    is_current,
    membership_status,
)

EXPIRY = date(2018, 3, 19)


@pytest.mark.parametrize(
    "today, status",
    [
        (date(2017, 3, 20), MembershipStatus.ACTIVE),
        (date(2018, 3, 19), MembershipStatus.ACTIVE),     # the expiry day itself
        (date(2018, 3, 20), MembershipStatus.IN_GRACE),   # first day of grace
        (date(2018, 4, 18), MembershipStatus.IN_GRACE),   # day 30: last day of grace
        (date(2018, 4, 19), MembershipStatus.EXPIRED),    # day 31
        (date(2020, 1, 1), MembershipStatus.EXPIRED),
    ],
)
def test_status_with_30_days_grace(today, status):
    assert membership_status(EXPIRY, today, 30) is status
    assert is_current(EXPIRY, today, 30) is (status is not MembershipStatus.EXPIRED)


def test_without_grace_the_day_after_expiry_is_expired():
    assert membership_status(EXPIRY, date(2018, 3, 19), 0) is MembershipStatus.ACTIVE
    assert membership_status(EXPIRY, date(2018, 3, 20), 0) is MembershipStatus.EXPIRED


def test_grace_end():
    assert grace_ends_on(EXPIRY, 30) == date(2018, 4, 18)
    assert grace_ends_on(EXPIRY, 0) == EXPIRY


@pytest.mark.parametrize("grace", [-1, 1.5, None, True])
def test_bad_grace_is_a_bug(grace):
    with pytest.raises(ValueError):
        membership_status(EXPIRY, date(2018, 3, 20), grace)


def test_status_values_are_stable_strings():
    assert [s.value for s in MembershipStatus] == ["active", "in_grace", "expired"]


def test_seed_certificate_with_expiry_before_issue_is_refused():
    # The old portal's certificate: issued 19/03/2018, "expiring" 19/09/2016.
    assert not certificate_dates_valid(date(2018, 3, 19), date(2016, 9, 19))
    with pytest.raises(CertificateExpiryBeforeIssue) as caught:
        check_certificate_dates(date(2018, 3, 19), date(2016, 9, 19))
    assert caught.value.params == {"issued_on": date(2018, 3, 19), "expires_on": date(2016, 9, 19)}


def test_certificate_must_expire_after_the_issue_day():
    with pytest.raises(CertificateExpiryBeforeIssue):
        check_certificate_dates(date(2018, 3, 19), date(2018, 3, 19))
    check_certificate_dates(date(2018, 3, 19), date(2018, 3, 20))
    check_certificate_dates(date(2018, 3, 19), date(2019, 3, 19))
    assert certificate_dates_valid(date(2018, 3, 19), date(2019, 3, 19))
