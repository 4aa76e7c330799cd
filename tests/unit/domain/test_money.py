from decimal import Decimal
from fractions import Fraction

import pytest

from app.domain.errors import AmountRequired, AmountTooLarge, DomainError, InvalidAmount
from app.domain.money import (
    MAX_BAISA,
    format_omr,
    format_omr_ar,
    format_ro,
    fraction_of,
    parse_omr,
    percent_of,
)


@pytest.mark.parametrize(
    "baisa, shown",
    [(25_000, "RO 25"), (37_500, "RO 37.500"), (0, "RO 0"), (50_000, "RO 50"),
     (4_000, "RO 4"), (1, "RO 0.001"), (1_250_050, "RO 1250.050"), (-5_000, "RO -5"),
     (-2_500, "RO -2.500")],
)
def test_format_ro_whole_rials_without_decimals(baisa, shown):
    assert format_ro(baisa) == shown


@pytest.mark.parametrize(
    "baisa, shown",
    [(50_000, "50.000 OMR"), (4_000, "4.000 OMR"), (37_500, "37.500 OMR"),
     (0, "0.000 OMR"), (7, "0.007 OMR"), (-1_500, "-1.500 OMR")],
)
def test_format_omr_always_three_decimals(baisa, shown):
    assert format_omr(baisa) == shown


def test_format_omr_ar():
    assert format_omr_ar(25_000) == "25.000 ر.ع."
    assert format_omr_ar(37_500) == "37.500 ر.ع."


@pytest.mark.parametrize("bad", [25.0, "25", True, None, Decimal("25")])
def test_formatting_refuses_anything_but_int_baisa(bad):
    with pytest.raises(TypeError):
        format_ro(bad)


@pytest.mark.parametrize(
    "text, baisa",
    [("25", 25_000), ("25.5", 25_500), ("25.50", 25_500), ("25.500", 25_500),
     ("37.500", 37_500), ("0", 0), ("0.001", 1), ("  4  ", 4_000), ("007", 7_000),
     ("٢٥٫٥", 25_500), ("۲۵", 25_000), ("1000000", MAX_BAISA)],
)
def test_parse_omr(text, baisa):
    assert parse_omr(text) == baisa


@pytest.mark.parametrize(
    "text",
    ["25.5001", "-25", "+25", "25.", ".5", "1e3", "25,000", "25 000", "RO 25",
     "25 OMR", "abc", "2.5.0", "0x19", "25.-1", "١٢٫٣٤٥٦"],
)
def test_parse_omr_refuses_garbage(text):
    with pytest.raises(InvalidAmount) as caught:
        parse_omr(text)
    assert type(caught.value) is InvalidAmount
    assert caught.value.params == {"value": text.strip()}


@pytest.mark.parametrize("text", ["", "   ", None])
def test_parse_omr_requires_an_amount(text):
    with pytest.raises(AmountRequired):
        parse_omr(text)


@pytest.mark.parametrize("text", ["1000000.001", "1000001", "9" * 5000, "0000000000001000001"])
def test_parse_omr_refuses_amounts_over_the_cap(text):
    with pytest.raises(AmountTooLarge) as caught:
        parse_omr(text)
    assert isinstance(caught.value, InvalidAmount)
    assert caught.value.params == {"limit": "1000000.000 OMR"}


def test_parse_omr_errors_are_domain_errors_with_a_message():
    with pytest.raises(DomainError) as caught:
        parse_omr("25.5001")
    assert str(caught.value.message) == (
        "“25.5001” is not an amount. Enter rials with at most three decimals, "
        "for example 25 or 37.500."
    )


@pytest.mark.parametrize(
    "baisa, percent, share",
    [(25_000, 10, 2_500), (25_000, 100, 25_000), (25_000, 0, 0),
     (10, 15, 2),      # 1.5 rounds half up to 2
     (10, 25, 3),      # 2.5 -> 3
     (10, 24, 2),      # 2.4 -> 2
     (10, Decimal("12.5"), 1),  # 1.25 -> 1
     (1, 50, 1),       # 0.5 -> 1
     (3, Fraction(1, 3), 0),
     (-10, 25, -2)],   # -2.5 rounds half up, towards +infinity
)
def test_percent_of_rounds_half_up_to_whole_baisa(baisa, percent, share):
    assert percent_of(baisa, percent) == share


def test_percent_of_refuses_float_percent():
    with pytest.raises(TypeError):
        percent_of(25_000, 12.5)


def test_fraction_of_half_rounds_half_up():
    assert fraction_of(25_000, 1, 2) == 12_500
    assert fraction_of(25_001, 1, 2) == 12_501
    assert fraction_of(25_003, 1, 3) == 8_334  # 8334.33 -> 8334
    assert fraction_of(2, 1, 3) == 1            # 0.67 -> 1
    with pytest.raises(ValueError):
        fraction_of(25_000, 1, 0)
