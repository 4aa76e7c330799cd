"""Signing of Secure Acceptance requests: known answers, amounts and request checks."""
import base64
import hashlib
import hmac
from datetime import datetime, timezone

import pytest

from app.adapters.payments import (
    BillingDetails, CheckoutRequest, CyberSourceGateway, InvalidCheckoutRequest, format_amount,
    parse_amount,
)
from app.adapters.payments.signing import data_to_sign, sign_fields, with_signature

SECRET = "4b6f1c0e2a9d4e7f8a1b3c5d7e9f0a2b"
FIXED = datetime(2018, 3, 19, 8, 30, 5, tzinfo=timezone.utc)


def hand_signature(text: str, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def order(**changes):
    values = dict(
        reference_number="REN-2018-000123", transaction_uuid="0c1f4a7e-2b1d-4c55-9d0e-6f2a1b3c4d5e",
        amount_baisa=50000, currency="OMR", locale="en",
        billing=BillingDetails(first_name="ALISAID", last_name="ALJahdami",
                               email="ali@chamberoman.com", phone="99416689",
                               address="Muscat", city="Rwui", country="OM"),
        receipt_url="https://portal.example.om/payments/receipt",
        notify_url="https://portal.example.om/payments/notify",
        cancel_url="https://portal.example.om/payments/cancelled")
    values.update(changes)
    return CheckoutRequest(**values)


def gateway():
    return CyberSourceGateway(access_key="AK-TEST", profile_id="PROFILE-1", secret_key=SECRET,
                              clock=lambda: FIXED)


def test_known_answer_for_a_fixed_field_set():
    fields = {"access_key": "AK-TEST", "amount": "50.000", "currency": "OMR",
              "signed_field_names": "access_key,amount,currency,signed_field_names"}
    expected_text = ("access_key=AK-TEST,amount=50.000,currency=OMR,"
                     "signed_field_names=access_key,amount,currency,signed_field_names")
    assert data_to_sign(fields) == expected_text
    assert sign_fields(fields, SECRET) == hand_signature(expected_text)
    # The published digest of this exact text, computed once with openssl:
    # printf '%s' "$text" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
    assert sign_fields(fields, SECRET) == "zRU58mQLA7FM5LTP6YzZQENw0I6opV26c5wH/DwB26E="


def test_checkout_form_signs_every_field_it_sends():
    action, fields = gateway().checkout_form(order())
    assert action == "https://testsecureacceptance.cybersource.com/pay"
    names = fields["signed_field_names"].split(",")
    assert set(names) == set(fields) - {"signature"}
    for name in ("access_key", "profile_id", "transaction_uuid", "signed_field_names",
                 "unsigned_field_names", "signed_date_time", "locale", "transaction_type",
                 "reference_number", "amount", "currency"):
        assert name in names
    text = ",".join(f"{name}={fields[name]}" for name in names)
    assert fields["signature"] == hand_signature(text)


def test_checkout_form_values():
    _, fields = gateway().checkout_form(order(locale="ar"))
    assert fields["amount"] == "50.000"
    assert fields["currency"] == "OMR"
    assert fields["locale"] == "ar-xn"
    assert fields["transaction_type"] == "sale"
    assert fields["unsigned_field_names"] == ""
    assert fields["signed_date_time"] == "2018-03-19T08:30:05Z"
    assert fields["bill_to_forename"] == "ALISAID"
    assert fields["bill_to_surname"] == "ALJahdami"
    assert fields["bill_to_address_city"] == "Rwui"
    assert fields["bill_to_address_country"] == "OM"
    assert fields["bill_to_email"] == "ali@chamberoman.com"
    assert fields["override_custom_receipt_page"] == "https://portal.example.om/payments/receipt"
    assert fields["override_custom_cancel_page"] == "https://portal.example.om/payments/cancelled"
    assert fields["override_backoffice_post_url"] == "https://portal.example.om/payments/notify"
    assert fields["merchant_defined_data1"] == fields["transaction_uuid"]


def test_with_signature_keeps_unsigned_fields_out_of_the_signed_list():
    fields = with_signature({"a": "1", "b": "2"}, SECRET, unsigned=("b",))
    assert fields["signed_field_names"] == "a,signed_field_names"
    assert fields["signature"] == hand_signature("a=1,signed_field_names=a,signed_field_names")


@pytest.mark.parametrize("baisa, text", [(50000, "50.000"), (4000, "4.000"), (25000, "25.000"),
                                         (5, "0.005"), (1234567, "1234.567")])
def test_amount_text_round_trip(baisa, text):
    assert format_amount(baisa, "OMR") == text
    assert parse_amount(text, "OMR") == baisa


@pytest.mark.parametrize("text", ["", "50.0001", "-1.000", "٥٠.٠٠٠", "1e3", "50,000", " 50.000",
                                  "50.", ".5"])
def test_bad_amount_text_is_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text, "OMR")


def test_amount_parsing_tolerates_fewer_decimals_and_trailing_zeros():
    assert parse_amount("50", "OMR") == 50000
    assert parse_amount("4.5", "OMR") == 4500
    assert parse_amount("4.5000", "OMR") == 4500


@pytest.mark.parametrize("value", [50.0, -1, True, "50000"])
def test_format_amount_refuses_non_integers(value):
    with pytest.raises(ValueError):
        format_amount(value, "OMR")


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError):
        format_amount(1000, "USD")


@pytest.mark.parametrize("changes, field", [
    ({"amount_baisa": 0}, "amount_baisa"),
    ({"amount_baisa": 50.0}, "amount_baisa"),
    ({"currency": "USD"}, "currency"),
    ({"locale": "fr"}, "locale"),
    ({"reference_number": "REN 1; DROP"}, "reference_number"),
    ({"transaction_uuid": ""}, "transaction_uuid"),
    ({"receipt_url": "javascript:alert(1)"}, "receipt_url"),
    ({"notify_url": "ftp://example.om/x"}, "notify_url"),
])
def test_bad_checkout_requests_are_refused(changes, field):
    with pytest.raises(InvalidCheckoutRequest) as caught:
        gateway().checkout_form(order(**changes))
    assert caught.value.field == field


def test_bad_country_code_is_refused():
    billing = BillingDetails("A", "B", "a@b.om", "1", "x", "y", country="Oman")
    with pytest.raises(InvalidCheckoutRequest):
        gateway().checkout_form(order(billing=billing))


def test_repr_does_not_show_the_secret():
    assert SECRET not in repr(gateway())
