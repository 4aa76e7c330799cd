"""The label catalogue, money text and Muscat times: one place each, for every page, message and export."""
from __future__ import annotations

import datetime as dt

from app.domain import labels
from app.domain.fees import FEE_LABELS
from app.domain.money import format_money
from app.domain.quotes import LINE_LABELS, LineKind
from app.domain.times import format_clock, format_day, in_muscat


def test_every_fee_line_and_fee_name_comes_from_the_catalogue():
    assert {kind.value for kind in LineKind} == set(labels.FEE_LINES)
    assert LINE_LABELS[LineKind.REPLACEMENT] == labels.FEE_NAMES["replacement_fee"] == FEE_LABELS["replacement_fee"]


def test_a_code_reads_as_its_label_an_unknown_one_as_itself_and_nothing_as_a_dash():
    shout = str.upper
    assert labels.translated("order_status", "pending_payment", shout) == "AWAITING PAYMENT"
    assert labels.translated("order_status", "brand_new_status", shout) == "brand_new_status"
    assert labels.translated("order_status", None, shout) == labels.EMPTY == "—"
    assert labels.column_family("service_order", "status") == "order_status"
    for key, family in labels.COLUMN_FAMILIES.items():
        assert family in labels.FAMILIES, key


def test_the_system_s_actors_are_named_in_words():
    same = str
    assert labels.actor("gateway:sandbox:receipt", same) == "Payment gateway: Sandbox (test payments) (the payer's return)"
    assert labels.actor("job:reconcile", same) == "Scheduled job: reconcile"
    assert labels.actor("job:registry_sync", same) == "Scheduled job: Registry sync"
    assert labels.actor("anonymous", same) == "A visitor not logged in"
    assert labels.actor("staff1", same) == "staff1"


def test_money_reads_rials_in_arabic_and_ro_or_omr_in_english():
    assert format_money(37_500, "en", style="ro") == "RO 37.500"
    assert format_money(25_000, "en", style="ro") == "RO 25"
    assert format_money(25_000, "en") == "25.000 OMR"
    assert format_money(25_000, "ar") == "25.000 ر.ع."
    assert format_money(-5_000, "ar", arabic_digits=True) == "-٥٫٠٠٠ ر.ع."


def test_times_are_shown_in_muscat_to_the_minute():
    stored = dt.datetime(2024, 12, 31, 21, 0, 59, 999_999)  # naive UTC
    assert in_muscat(stored).utcoffset() == dt.timedelta(hours=4)
    assert format_clock(stored) == "2025-01-01 01:00"
    assert format_day(stored) == "2025-01-01"
    assert format_day(dt.date(2028, 12, 27)) == "2028-12-27"
