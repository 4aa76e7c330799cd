"""The sandbox's pure rules: test cards, payment details, billing and its ledger file."""
from datetime import date

import pytest

from app.adapters.payments import Decision
from app.adapters.payments.sandbox import CardRefused, check_billing, check_card
from app.adapters.payments.sandbox_ledger import SandboxLedger, fold_checkouts

TODAY = date(2018, 3, 19)


def test_the_published_test_cards():
    assert check_card("001", "4111 1111 1111 1111", "123", "12", "2020", TODAY) == (
        Decision.ACCEPT, "1111")
    assert check_card("001", "4000-0000-0000-0002", "1234", "03", "2018", TODAY) == (
        Decision.DECLINE, "0002")


@pytest.mark.parametrize("args, field", [
    (("", "4111111111111111", "123", "12", "2020"), "card_type"),
    (("001", "", "123", "12", "2020"), "card_number"),
    (("001", "4111abcd11111111", "123", "12", "2020"), "card_number"),
    (("002", "4111111111111111", "123", "12", "2020"), "card_number"),
    (("001", "4111111111111111", "12", "12", "2020"), "cvn"),
    (("001", "4111111111111111", "123", "13", "2020"), "expiry"),
    (("001", "4111111111111111", "123", "", ""), "expiry"),
    (("001", "4111111111111111", "123", "02", "2018"), "expiry"),
    (("001", "4242424242424242", "123", "12", "2020"), "card_number"),
    (("002", "5555555555554444", "123", "12", "2020"), "card_number"),
])
def test_refused_payment_details(args, field):
    with pytest.raises(CardRefused) as caught:
        check_card(*args, TODAY)
    assert caught.value.field == field
    assert "4111" not in str(caught.value) and "4242" not in str(caught.value)


def test_other_cards_are_refused_with_a_message():
    with pytest.raises(CardRefused) as caught:
        check_card("001", "4242424242424242", "123", "12", "2020", TODAY)
    assert str(caught.value.message) == (
        "This sandbox only takes the test cards listed on this page.")


def test_billing_needs_every_field_and_a_real_email():
    problems = check_billing({"first_name": "ALISAID", "last_name": "", "address": "Muscat",
                              "city": "Rwui", "country": "Oman", "phone": "99416689",
                              "email": "ali-at-chamberoman"})
    assert set(problems) == {"last_name", "country", "email"}


def test_ledger_appends_and_folds(tmp_path):
    ledger = SandboxLedger(str(tmp_path))
    ledger.append({"kind": "checkout", "checkout_id": "c1", "request": {"locale": "ar-xn"},
                   "billing": {"first_name": "A"}})
    ledger.append({"kind": "billing", "checkout_id": "c1", "billing": {"first_name": "B"}})
    ledger.append({"kind": "reply", "checkout_id": "c1", "reply": {"decision": "ACCEPT"}})
    ledger.append({"kind": "reply", "checkout_id": "c1", "reply": {"decision": "DECLINE"}})
    ledger.append({"kind": "billing", "checkout_id": "unknown", "billing": {}})
    checkout = SandboxLedger(str(tmp_path)).checkout("c1")  # a fresh reader: survives restarts
    assert checkout.lang == "ar"
    assert checkout.billing == {"first_name": "B"}
    assert checkout.reply == {"decision": "ACCEPT"}  # the first reply is final
    assert set(fold_checkouts(ledger.records())) == {"c1"}


def test_ledger_skips_a_torn_line(tmp_path):
    ledger = SandboxLedger(str(tmp_path))
    ledger.append({"kind": "checkout", "checkout_id": "c1", "request": {}})
    with open(ledger.path, "a", encoding="utf-8") as handle:
        handle.write('{"kind": "billing", "checko')
    ledger.append({"kind": "billing", "checkout_id": "c1", "billing": {"city": "Ruwi"}})
    assert ledger.checkout("c1").billing == {"city": "Ruwi"}
