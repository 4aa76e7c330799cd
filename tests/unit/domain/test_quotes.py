from datetime import date

import pytest

from app.domain.errors import (
    GradeChangeNeedsRenewal,
    InvalidPeriod,
    MembershipNeedsRenewal,
    MissingAnnualFee,
    NameChangeNeedsRenewal,
    SameGrade,
    VoucherExpired,
)
from app.domain.money import format_omr, format_ro
from app.domain.quotes import (
    LineKind,
    Quote,
    QuoteLine,
    grade_change_quote,
    name_change_quote,
    new_membership_quote,
    renewal_quote,
    replacement_quote,
)
from app.domain.vouchers import Voucher
from tests.unit.domain.seed import seed_schedule

SCHEDULE = seed_schedule()
EXPIRY = date(2018, 3, 19)
TODAY = date(2018, 3, 18)
GRACE = 30


def renew(months, today=TODAY, voucher=None, schedule=SCHEDULE, expiry=EXPIRY, grade="fourth"):
    return renewal_quote(schedule, grade, expiry, months, today, voucher, grace_days=GRACE)


def kinds_and_amounts(quote):
    return [(line.kind, line.amount) for line in quote.lines]


def voucher(kind="fixed", value=5_000, **changes):
    fields = dict(code="WELCOME", kind=kind, value=value,
                  valid_from=date(2018, 1, 1), valid_to=date(2018, 12, 31))
    fields.update(changes)
    return Voucher(**fields)


def test_seed_one_year():
    quote = renew(12)
    assert kinds_and_amounts(quote) == [(LineKind.YEAR_1, 25_000), (LineKind.VOUCHER, 0)]
    assert quote.total == 25_000
    assert quote.new_expiry == date(2019, 3, 19)
    assert quote.counted_from == EXPIRY
    assert [format_ro(line.amount) for line in quote.lines] == ["RO 25", "RO 0"]
    assert format_ro(quote.total) == "RO 25"


def test_seed_one_year_and_six_months():
    quote = renew(18)
    assert kinds_and_amounts(quote) == [
        (LineKind.YEAR_1, 25_000), (LineKind.HALF_YEAR, 12_500), (LineKind.VOUCHER, 0)]
    assert quote.total == 37_500
    assert format_ro(quote.total) == "RO 37.500"
    assert quote.new_expiry == date(2019, 9, 19)


def test_seed_two_years():
    quote = renew(24)
    assert kinds_and_amounts(quote) == [
        (LineKind.YEAR_1, 25_000), (LineKind.YEAR_2, 25_000), (LineKind.VOUCHER, 0)]
    assert quote.total == 50_000
    assert format_ro(quote.total) == "RO 50"
    assert format_omr(quote.total) == "50.000 OMR"
    assert quote.new_expiry == date(2020, 3, 19)


def test_line_labels_are_msgids():
    quote = renew(24)
    assert [str(line.label) for line in quote.lines] == [
        "First-year fee", "Second-year fee", "Voucher discount"]


def test_half_year_rounds_half_up_to_a_baisa():
    odd = seed_schedule(annual_fees={"fourth": 25_001})
    quote = renew(18, schedule=odd)
    assert quote.amount_of(LineKind.HALF_YEAR) == 12_501
    assert quote.total == 37_502


@pytest.mark.parametrize("months", [0, 6, 11, 13, 36, -12, 12.0, "12", True, None])
def test_other_periods_are_refused(months):
    with pytest.raises(InvalidPeriod):
        renew(months)


def test_unknown_grade_cannot_be_quoted():
    with pytest.raises(MissingAnnualFee):
        renew(12, grade="fifth")


def test_renewal_from_a_month_end_is_clamped():
    quote = renew(12, expiry=date(2020, 2, 29), today=date(2020, 2, 1))
    assert quote.new_expiry == date(2021, 2, 28)


@pytest.mark.parametrize(
    "today, counted_from, new_expiry",
    [
        (date(2018, 3, 19), EXPIRY, date(2019, 3, 19)),        # on the expiry day
        (date(2018, 3, 20), EXPIRY, date(2019, 3, 19)),        # first day of grace
        (date(2018, 4, 18), EXPIRY, date(2019, 3, 19)),        # last day of grace
        (date(2018, 4, 19), date(2018, 4, 19), date(2019, 4, 19)),  # first day expired
        (date(2019, 8, 1), date(2019, 8, 1), date(2020, 8, 1)),     # years later
    ],
)
def test_late_renewal_rule(today, counted_from, new_expiry):
    quote = renew(12, today=today)
    assert quote.counted_from == counted_from
    assert quote.new_expiry == new_expiry
    # Missed years are never charged, and with no late fee nothing else is added.
    assert quote.total == 25_000


def test_late_fee_only_after_grace_per_month_begun_capped_at_twelve():
    with_late_fee = seed_schedule(late_fee_per_month=1_000)

    def late_fee(today):
        return renew(12, today=today, schedule=with_late_fee).amount_of(LineKind.LATE_FEE)

    assert late_fee(date(2018, 4, 18)) == 0          # in grace: no late fee
    assert late_fee(date(2018, 4, 19)) == 1_000      # still the first month since expiry
    assert late_fee(date(2018, 4, 20)) == 2_000      # second month begun
    assert late_fee(date(2018, 5, 19)) == 2_000
    assert late_fee(date(2018, 5, 20)) == 3_000
    assert late_fee(date(2019, 3, 19)) == 12_000
    assert late_fee(date(2025, 1, 1)) == 12_000      # capped at twelve months

    quote = renew(24, today=date(2018, 5, 20), schedule=with_late_fee)
    assert kinds_and_amounts(quote) == [
        (LineKind.YEAR_1, 25_000), (LineKind.YEAR_2, 25_000),
        (LineKind.LATE_FEE, 3_000), (LineKind.VOUCHER, 0)]
    assert quote.total == 53_000


def test_renewal_with_fixed_voucher():
    quote = renew(24, voucher=voucher(value=5_000))
    assert quote.amount_of(LineKind.VOUCHER) == -5_000
    assert quote.subtotal == 50_000
    assert quote.discount == 5_000
    assert quote.total == 45_000
    assert format_ro(quote.lines[-1].amount) == "RO -5"


def test_renewal_with_percent_voucher_covers_the_late_fee_too():
    schedule = seed_schedule(late_fee_per_month=1_000)
    quote = renew(18, today=date(2018, 4, 19), voucher=voucher("percent", 10), schedule=schedule)
    # (25000 + 12500 + 1000) * 10% = 3850
    assert quote.subtotal == 38_500
    assert quote.discount == 3_850
    assert quote.total == 34_650


def test_voucher_never_makes_a_total_negative():
    quote = renew(12, voucher=voucher(value=100_000))
    assert quote.discount == 25_000
    assert quote.total == 0


def test_an_expired_voucher_refuses_the_quote():
    with pytest.raises(VoucherExpired):
        renew(12, today=date(2019, 1, 1), voucher=voucher())


def test_new_membership():
    quote = new_membership_quote(SCHEDULE, "fourth", date(2018, 3, 19))
    assert kinds_and_amounts(quote) == [
        (LineKind.REGISTRATION, 10_000), (LineKind.YEAR_1, 25_000), (LineKind.VOUCHER, 0)]
    assert quote.total == 35_000
    assert quote.new_expiry == date(2019, 3, 19)
    assert quote.counted_from == date(2018, 3, 19)


def test_new_membership_can_be_free():
    free = seed_schedule(annual_fees={"fourth": 0}, registration_fee=0)
    quote = new_membership_quote(free, "fourth", date(2020, 2, 29))
    assert quote.total == 0
    assert quote.new_expiry == date(2021, 2, 28)
    full = new_membership_quote(SCHEDULE, "fourth", date(2018, 3, 19), voucher("percent", 100))
    assert full.total == 0
    assert full.discount == 35_000


def test_replacement_seed_price():
    quote = replacement_quote(SCHEDULE)
    assert kinds_and_amounts(quote) == [(LineKind.REPLACEMENT, 4_000)]
    assert format_omr(quote.total) == "4.000 OMR"
    assert quote.new_expiry is None


@pytest.mark.parametrize("status", ["active", "in_grace"])
def test_name_change_seed_price(status):
    quote = name_change_quote(SCHEDULE, status)
    assert kinds_and_amounts(quote) == [(LineKind.NAME_CHANGE, 4_000)]
    assert format_ro(quote.total) == "RO 4"


def test_name_change_refused_once_expired():
    with pytest.raises(NameChangeNeedsRenewal) as caught:
        name_change_quote(SCHEDULE, "expired")
    assert str(caught.value.message) == (
        "The membership has expired. Please renew the company first.")


def test_name_change_needs_a_real_status():
    with pytest.raises(ValueError):
        name_change_quote(SCHEDULE, "lapsed")


def test_grade_change_seed():
    quote = grade_change_quote(SCHEDULE, "first", "fourth", date(2018, 12, 13), date(2018, 3, 18))
    assert kinds_and_amounts(quote) == [(LineKind.GRADE_CHANGE, 4_000)]
    assert format_ro(quote.total) == "RO 4"
    assert quote.new_expiry == date(2019, 3, 18)
    assert quote.counted_from == date(2018, 3, 18)


def test_grade_change_upwards_shortens():
    quote = grade_change_quote(SCHEDULE, "fourth", "first", date(2018, 12, 13), date(2018, 3, 18))
    assert quote.new_expiry == date(2018, 5, 24)


def test_grade_change_to_the_same_grade_is_refused():
    with pytest.raises(SameGrade) as caught:
        grade_change_quote(SCHEDULE, "fourth", "fourth", date(2018, 12, 13), date(2018, 3, 18))
    assert caught.value.params == {"grade": "fourth"}


def test_grade_change_needs_an_active_membership():
    # Allowed on the expiry day, refused the day after (even within grace).
    grade_change_quote(SCHEDULE, "first", "fourth", date(2018, 12, 13), date(2018, 12, 13))
    with pytest.raises(GradeChangeNeedsRenewal) as caught:
        grade_change_quote(SCHEDULE, "first", "fourth", date(2018, 12, 13), date(2018, 12, 14))
    assert isinstance(caught.value, MembershipNeedsRenewal)


def test_quote_total_must_match_its_lines():
    line = QuoteLine(LineKind.YEAR_1, 25_000, "First-year fee")
    with pytest.raises(ValueError):
        Quote(lines=(line,), total=20_000)
    with pytest.raises(ValueError):
        QuoteLine(LineKind.VOUCHER, 1_000, "Voucher discount")
    with pytest.raises(ValueError):
        QuoteLine(LineKind.YEAR_1, -1, "First-year fee")
    assert Quote(lines=[line], total=25_000).lines == (line,)
