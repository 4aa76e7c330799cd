"""Verification of signed gateway replies: signature, signed fields, order match, card data."""
import base64
import hashlib
import hmac

import pytest
from werkzeug.datastructures import MultiDict

from app.adapters.payments import (
    CyberSourceGateway, Decision, ExpectedPayment, ReplyMismatch, ReplyMissingField,
    ReplySignatureInvalid,
)
from app.adapters.payments import signing

SECRET = "reply-secret-for-tests-0123456789"
UUID = "0c1f4a7e-2b1d-4c55-9d0e-6f2a1b3c4d5e"
EXPECTED = ExpectedPayment(reference_number="REN-2018-000123", transaction_uuid=UUID,
                           amount_baisa=50000, currency="OMR")
REQUIRED = ("decision", "req_reference_number", "req_transaction_uuid", "req_amount",
            "req_currency", "req_access_key", "transaction_id", "reason_code",
            "signed_field_names", "signed_date_time")


def hand_sign(fields: dict, names: list[str], secret: str = SECRET) -> dict:
    """Sign like the gateway does, written out here independently of the code under test."""
    signed = dict(fields, signed_field_names=",".join(names))
    text = ",".join(f"{name}={signed[name]}" for name in names)
    signed["signature"] = base64.b64encode(
        hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()
    return signed


def reply(decision="ACCEPT", drop_from_signed=(), secret=SECRET, **changes):
    fields = {
        "decision": decision, "reason_code": "100",
        "message": "Request was processed successfully.",
        "transaction_id": "6234567890123456789012", "req_reference_number": "REN-2018-000123",
        "req_transaction_uuid": UUID, "req_amount": "50.000", "req_currency": "OMR",
        "req_access_key": "AK-TEST", "req_profile_id": "PROFILE-1", "req_locale": "en-us",
        "req_transaction_type": "sale", "auth_code": "831000", "auth_amount": "50.000",
        "req_card_number": "xxxxxxxxxxxx1111", "req_card_expiry_date": "12-2030",
        "req_card_type": "001", "card_cvn": "123", "req_card_cvn": "123",
        "payer_authentication_cavv": "AAABCZIhcQAAAABZlyFxAAAAAAA=",
        "req_bill_to_forename": "ALISAID", "req_bill_to_email": "ali@chamberoman.com",
        "some_future_field": "4111111111111111",
        "signed_date_time": "2018-03-19T08:35:00Z",
    }
    fields.update(changes)
    names = [name for name in fields if name not in drop_from_signed] + ["signed_field_names"]
    return hand_sign(fields, names, secret)


def gateway():
    return CyberSourceGateway(access_key="AK-TEST", profile_id="PROFILE-1", secret_key=SECRET)


def test_accepted_reply_is_typed_and_settles():
    result = gateway().verify_reply(reply(), EXPECTED)
    assert result.decision is Decision.ACCEPT
    assert result.settles and not result.held_for_review
    assert (result.reference, result.transaction_uuid, result.transaction_id) == (
        "REN-2018-000123", UUID, "6234567890123456789012")
    assert (result.amount_baisa, result.currency, result.reason_code) == (50000, "OMR", "100")
    assert result.message == "Request was processed successfully."


def test_the_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(signing.hmac, "compare_digest", spy)
    gateway().verify_reply(reply(), EXPECTED)
    assert len(calls) == 1


def test_card_data_is_not_kept():
    result = gateway().verify_reply(reply(), EXPECTED)
    for name in ("req_card_number", "req_card_expiry_date", "req_card_type", "card_cvn",
                 "req_card_cvn", "payer_authentication_cavv", "req_bill_to_forename",
                 "req_bill_to_email", "some_future_field", "signature"):
        assert name not in result.safe_fields
    text = repr(result)
    for value in ("1111", "12-2030", "AAABCZIhcQ", "4111111111111111"):
        assert value not in text
    assert result.safe_fields["req_amount"] == "50.000"
    assert result.safe_fields["auth_code"] == "831000"


def test_a_card_number_in_the_message_is_removed():
    result = gateway().verify_reply(reply(message="Card 4111 1111 1111 1111 declined"), EXPECTED)
    assert "4111" not in result.message
    assert "4111" not in repr(result)


@pytest.mark.parametrize("decision, settles, held", [
    ("REVIEW", False, True), ("DECLINE", False, False), ("CANCEL", False, False),
    ("ERROR", False, False)])
def test_only_accept_settles(decision, settles, held):
    result = gateway().verify_reply(reply(decision=decision, reason_code="481"), EXPECTED)
    assert result.decision.value == decision
    assert (result.settles, result.held_for_review) == (settles, held)


def test_tampered_amount_breaks_the_signature():
    form = reply()
    form["req_amount"] = "0.050"
    with pytest.raises(ReplySignatureInvalid):
        gateway().verify_reply(form, EXPECTED)


def test_decline_turned_into_accept_breaks_the_signature():
    form = reply(decision="DECLINE", reason_code="203")
    form["decision"] = "ACCEPT"
    with pytest.raises(ReplySignatureInvalid):
        gateway().verify_reply(form, EXPECTED)


def test_reply_signed_with_another_secret_is_refused():
    with pytest.raises(ReplySignatureInvalid):
        gateway().verify_reply(reply(secret="someone-else"), EXPECTED)


@pytest.mark.parametrize("name", [name for name in REQUIRED if name != "signed_field_names"])
def test_every_relied_on_field_must_be_signed(name):
    with pytest.raises(ReplyMissingField) as caught:
        gateway().verify_reply(reply(drop_from_signed=(name,)), EXPECTED)
    assert caught.value.field == name


def test_signed_field_names_must_name_itself():
    fields = reply()
    names = [n for n in fields["signed_field_names"].split(",") if n != "signed_field_names"]
    form = hand_sign({k: v for k, v in fields.items() if k not in ("signature",)}, names)
    with pytest.raises(ReplyMissingField) as caught:
        gateway().verify_reply(form, EXPECTED)
    assert caught.value.field == "signed_field_names"


def test_listed_but_absent_field_is_missing():
    form = reply()
    del form["req_amount"]
    with pytest.raises(ReplyMissingField) as caught:
        gateway().verify_reply(form, EXPECTED)
    assert caught.value.field == "req_amount"


@pytest.mark.parametrize("name", ["signature", "signed_field_names"])
def test_unsigned_reply_is_refused(name):
    form = reply()
    del form[name]
    with pytest.raises(ReplyMissingField) as caught:
        gateway().verify_reply(form, EXPECTED)
    assert caught.value.field == name


def test_amount_altered_at_signing_does_not_match_the_order():
    with pytest.raises(ReplyMismatch) as caught:
        gateway().verify_reply(reply(req_amount="5.000", auth_amount="5.000"), EXPECTED)
    assert caught.value.field == "req_amount"


@pytest.mark.parametrize("changes, field", [
    ({"req_reference_number": "REN-2018-000124"}, "req_reference_number"),
    ({"req_transaction_uuid": "11111111-2b1d-4c55-9d0e-6f2a1b3c4d5e"}, "req_transaction_uuid"),
    ({"req_currency": "USD"}, "req_currency"),
    ({"req_amount": "fifty"}, "req_amount"),
    ({"decision": "MAYBE"}, "decision"),
])
def test_reply_for_another_order_is_refused(changes, field):
    with pytest.raises(ReplyMismatch) as caught:
        gateway().verify_reply(reply(**changes), EXPECTED)
    assert caught.value.field == field


def test_reply_replayed_from_another_profile_is_refused():
    # Same secret, other access key: a reply made for another merchant profile.
    with pytest.raises(ReplyMismatch) as caught:
        gateway().verify_reply(reply(req_access_key="AK-OTHER-PROFILE"), EXPECTED)
    assert caught.value.field == "req_access_key"


def test_expected_access_key_can_be_given_by_the_order():
    form = reply(req_access_key="AK-OLD")
    expected = ExpectedPayment("REN-2018-000123", UUID, 50000, "OMR", access_key="AK-OLD")
    assert gateway().verify_reply(form, expected).settles


def test_multidict_form_from_flask_is_accepted():
    form = MultiDict(list(reply().items()))
    assert gateway().verify_reply(form, EXPECTED).settles


def test_error_messages_are_translatable_text():
    with pytest.raises(ReplyMismatch) as caught:
        gateway().verify_reply(reply(req_amount="5.000"), EXPECTED)
    assert "req_amount" in str(caught.value.message)
