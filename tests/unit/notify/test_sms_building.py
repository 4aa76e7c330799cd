"""SmsMessage checks, part counting, the HTTP request built for each gateway shape, and the SMS settings."""
from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from app.adapters.sms import (
    AdapterConfigError,
    HttpSmsGateway,
    InvalidMessage,
    OutboxSms,
    SmsMessage,
    SmsSender,
    make_sms_sender,
    mask_number,
)

URL = "https://sms.provider.test/api/send"
ARABIC = "رمز التحقق من رقم الهاتف : 951386"


def msg(text: str = ARABIC, to: str = "+96891234567", **kw) -> SmsMessage:
    return SmsMessage(to=to, text=text, **kw)


# --- SmsMessage --------------------------------------------------------------------

@pytest.mark.parametrize("to", ["96891234567", "+968 9123 4567", "+0968912345", "+96", "0091234567",
                                "+9689123456789012", "", None])
def test_the_number_must_be_e164(to):
    with pytest.raises(InvalidMessage) as error:
        SmsMessage(to=to, text="t")
    assert "+96891234567" in str(error.value)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_the_text_is_required(text):
    with pytest.raises(InvalidMessage):
        SmsMessage(to="+96891234567", text=text)


@pytest.mark.parametrize("sender", ["ChamberOman", "OCCI", "96824707674", "+96824707674"])
def test_valid_sender_ids(sender):
    assert SmsMessage(to="+96891234567", text="t", sender=sender).sender == sender


@pytest.mark.parametrize("sender", ["", "ChamberOfOman", "غرفة", "Chamber\nOman"])
def test_invalid_sender_ids(sender):
    with pytest.raises(InvalidMessage):
        SmsMessage(to="+96891234567", text="t", sender=sender)


def test_the_default_sender_is_the_chamber():
    assert msg().sender == "ChamberOman"


@pytest.mark.parametrize("text, unicode, parts", [
    ("a" * 160, False, 1),
    ("a" * 161, False, 2),
    ("a" * 306, False, 2),
    ("a" * 307, False, 3),
    ("€" * 80, False, 1),        # extension characters take two septets
    ("€" * 81, False, 2),
    ("ب" * 70, True, 1),
    ("ب" * 71, True, 2),
    ("ب" * 134, True, 2),
    ("ب" * 135, True, 3),
    ("Your code : 951386 ✓", True, 1),
])
def test_parts_and_encoding(text, unicode, parts):
    sms = msg(text)
    assert sms.is_unicode is unicode
    assert sms.segments == parts


def test_mask_number_keeps_country_and_last_digits():
    assert mask_number("+96891234567") == "+968*****567"


# --- requests for each shape ---------------------------------------------------------------

def test_json_request_is_utf8_with_default_fields():
    request = HttpSmsGateway(URL).build_request(msg())

    assert request.method == "POST"
    assert request.url == URL
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert ARABIC.encode("utf-8") in request.body  # raw UTF-8, not \u escapes
    assert json.loads(request.body) == {"to": "+96891234567", "text": ARABIC, "sender": "ChamberOman"}
    assert "Authorization" not in request.headers


def test_form_request_percent_encodes_utf8():
    gateway = HttpSmsGateway(URL, request_shape="form", fields={"msisdn": "{to_digits}", "msg": "{text}"})

    request = gateway.build_request(msg())

    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body, encoding="utf-8") == {"msisdn": ["96891234567"], "msg": [ARABIC]}


def test_query_request_is_a_get_with_parameters():
    gateway = HttpSmsGateway(URL, request_shape="query", fields={"to": "{to}", "text": "{text}", "lang": "{unicode}"})

    request = gateway.build_request(msg())

    assert request.method == "GET"
    assert request.body is None
    assert parse_qs(urlsplit(request.url).query, encoding="utf-8") == {
        "to": ["+96891234567"], "text": [ARABIC], "lang": ["1"]}


def test_configured_sender_overrides_the_message_default():
    request = HttpSmsGateway(URL, sender="OCCI").build_request(msg())
    assert json.loads(request.body)["sender"] == "OCCI"


def test_literal_braces_and_constants_pass_through():
    gateway = HttpSmsGateway(URL, fields={"text": "{{code}} {text}", "priority": 1, "tags": ["otp"]})

    body = json.loads(gateway.build_request(msg("hi")).body)

    assert body == {"text": "{code} hi", "priority": 1, "tags": ["otp"]}


# --- authentication ---------------------------------------------------------------------------

def test_basic_auth_is_inferred_from_username_and_password():
    request = HttpSmsGateway(URL, username="chamber", password="pässword").build_request(msg())

    scheme, value = request.headers["Authorization"].split(" ", 1)
    assert scheme == "Basic"
    assert base64.b64decode(value) == "chamber:pässword".encode("latin-1")


def test_token_goes_as_bearer_by_default():
    request = HttpSmsGateway(URL, token="tok").build_request(msg())
    assert request.headers["Authorization"] == "Bearer tok"


def test_token_in_a_custom_header_has_no_prefix_unless_asked():
    bare = HttpSmsGateway(URL, token="tok", token_header="X-API-Key").build_request(msg())
    prefixed = HttpSmsGateway(URL, token="tok", token_header="X-Auth", token_prefix="Key ").build_request(msg())

    assert bare.headers["X-API-Key"] == "tok"
    assert prefixed.headers["X-Auth"] == "Key tok"


def test_credentials_used_in_fields_are_not_also_sent_as_basic_auth():
    gateway = HttpSmsGateway(URL, request_shape="query", username="u", password="p",
                             fields={"user": "{username}", "pass": "{password}", "text": "{text}"})

    request = gateway.build_request(msg())

    assert "Authorization" not in request.headers
    assert parse_qs(urlsplit(request.url).query)["pass"] == ["p"]


# --- bad gateway settings ---------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    dict(url="ftp://sms.provider.test"),
    dict(url="sms.provider.test/send"),
    dict(request_shape="xml"),
    dict(method="DELETE"),
    dict(method="GET"),  # a JSON body cannot travel in a GET
    dict(timeout=0),
    dict(fields={}),
    dict(fields={"to": "{phone}"}),
    dict(fields={"to": "{to.__class__}"}),
    dict(fields={"to": "{to"}),
    dict(fields={"to": "{0}"}),
    dict(request_shape="form", fields={"to": ["{to}"]}),
    dict(request_shape="query", fields={"flash": True}),
    dict(auth="basic"),
    dict(auth="header"),
    dict(auth="oauth"),
    dict(sender="A sender name too long"),
])
def test_bad_gateway_settings_are_refused(kwargs):
    settings = dict(url=URL)
    settings.update(kwargs)
    with pytest.raises(AdapterConfigError) as error:
        HttpSmsGateway(**settings)
    assert str(error.value)


def test_senders_are_sms_senders(tmp_path):
    assert isinstance(HttpSmsGateway(URL), SmsSender)
    assert isinstance(OutboxSms(tmp_path), SmsSender)


# --- make_sms_sender ------------------------------------------------------------------------------

def test_outbox_is_the_default_sms_backend(tmp_path):
    sender = make_sms_sender({"OUTBOX_DIR": str(tmp_path)})
    assert isinstance(sender, OutboxSms)
    assert sender.sender == "ChamberOman"


def test_gateway_settings_are_read():
    sender = make_sms_sender({
        "SMS_BACKEND": "http", "SMS_GATEWAY_URL": URL, "SMS_GATEWAY_SHAPE": "query",
        "SMS_GATEWAY_FIELDS": '{"dest": "{to_digits}", "body": "{text}"}', "SMS_GATEWAY_USERNAME": "u",
        "SMS_GATEWAY_PASSWORD": "p", "SMS_SENDER": "OCCI", "SMS_TIMEOUT": "3",
    })
    assert isinstance(sender, HttpSmsGateway)
    assert (sender.method, sender.shape, sender.auth, sender.sender, sender.timeout) == (
        "GET", "query", "basic", "OCCI", 3.0)
    assert sender.fields == {"dest": "{to_digits}", "body": "{text}"}


def test_fields_may_be_given_as_a_mapping_and_an_empty_token_prefix_is_kept():
    sender = make_sms_sender({
        "SMS_BACKEND": "http", "SMS_GATEWAY_URL": URL, "SMS_GATEWAY_FIELDS": {"n": "{to}", "m": "{text}"},
        "SMS_GATEWAY_TOKEN": "t", "SMS_GATEWAY_TOKEN_PREFIX": "",
    })
    assert sender.build_request(msg()).headers["Authorization"] == "t"


@pytest.mark.parametrize("config, named", [
    ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND"),
    ({"SMS_BACKEND": "http"}, "SMS_GATEWAY_URL"),
    ({"SMS_BACKEND": "http", "SMS_GATEWAY_URL": URL, "SMS_GATEWAY_FIELDS": "{not json"}, "SMS_GATEWAY_FIELDS"),
    ({"SMS_BACKEND": "http", "SMS_GATEWAY_URL": URL, "SMS_GATEWAY_FIELDS": "[1, 2]"}, "SMS_GATEWAY_FIELDS"),
    ({"SMS_BACKEND": "http", "SMS_GATEWAY_URL": URL, "SMS_GATEWAY_SHAPE": "soap"}, "SMS_GATEWAY_SHAPE"),
    ({"SMS_BACKEND": "http", "SMS_GATEWAY_URL": URL, "SMS_TIMEOUT": "soon"}, "SMS_TIMEOUT"),
])
def test_bad_sms_settings_name_the_setting(config, named):
    with pytest.raises(AdapterConfigError) as error:
        make_sms_sender(config)
    assert named in str(error.value)
