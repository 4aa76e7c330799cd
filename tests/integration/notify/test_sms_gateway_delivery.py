"""HttpSmsGateway against a real HTTP gateway on loopback: shapes, auth, failures and a retry loop."""
from __future__ import annotations

import base64
import json

import pytest

from app.adapters.sms import DeliveryFailed, HttpSmsGateway, SmsMessage, make_sms_sender

CODE_TEXT = "رمز التحقق من رقم الهاتف : 951386"
OCCI_FIELDS = {"mobile": "{to_digits}", "message": "{text}", "from": "{sender}", "lang": "{unicode}"}


def code_sms() -> SmsMessage:
    return SmsMessage(to="+96891234567", text=CODE_TEXT)


def test_gateway_down_first_then_accepting_gives_transient_failures_then_a_receipt(sms_gateway):
    sms_gateway.fail_first(3, 503)
    gateway = HttpSmsGateway(sms_gateway.url, token="tok-123", id_field="result.message_id", timeout=5)

    # The dispatcher owns the real retry loop (with its back-off); this one only
    # shows what the adapter tells it at each attempt.
    outcomes = []
    for _attempt in range(10):
        try:
            receipt = gateway.send(code_sms())
        except DeliveryFailed as failure:
            outcomes.append(("transient" if not failure.permanent else "permanent", str(failure)))
            continue
        outcomes.append(("sent", receipt.provider_id))
        break

    assert [kind for kind, _ in outcomes] == ["transient", "transient", "transient", "sent"]
    assert "503" in outcomes[0][1]
    assert outcomes[-1][1] == "gw-4"
    assert len(sms_gateway.requests) == 4


def test_json_shape_carries_arabic_and_the_bearer_token(sms_gateway):
    gateway = HttpSmsGateway(sms_gateway.url, token="tok-123", sender="OCCI", timeout=5,
                             fields={"to": ["{to}"], "body": "{text}", "sender": "{sender}", "flash": False})

    gateway.send(code_sms())

    request = sms_gateway.requests[0]
    assert request.method == "POST"
    assert request.path == "/api/sms/send"
    assert request.headers["authorization"] == "Bearer tok-123"
    assert request.headers["content-type"].startswith("application/json")
    assert request.json() == {"to": ["+96891234567"], "body": CODE_TEXT, "sender": "OCCI", "flash": False}


def test_form_shape_with_basic_auth(sms_gateway):
    gateway = HttpSmsGateway(sms_gateway.url, username="chamber", password="p@ss:word", request_shape="form",
                             fields=OCCI_FIELDS, timeout=5)

    gateway.send(code_sms())

    request = sms_gateway.requests[0]
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    scheme, credentials = request.headers["authorization"].split(" ", 1)
    assert scheme == "Basic"
    assert base64.b64decode(credentials).decode() == "chamber:p@ss:word"
    assert request.form() == {"mobile": ["96891234567"], "message": [CODE_TEXT], "from": ["ChamberOman"],
                              "lang": ["1"]}


def test_query_shape_with_credentials_in_the_url_and_an_api_key_header(sms_gateway):
    fields = dict(OCCI_FIELDS, user="{username}", pass_="{password}")
    gateway = HttpSmsGateway(sms_gateway.url, username="chamber", password="secret", request_shape="query",
                             token="key-9", token_header="X-API-Key", fields=fields, timeout=5)

    gateway.send(SmsMessage(to="+96899887766", text="Your mobile verification code : 951386"))

    request = sms_gateway.requests[0]
    assert request.method == "GET"
    assert request.body == b""
    assert request.headers["x-api-key"] == "key-9"
    # The templates already carry the credentials, so no basic auth goes along.
    assert "authorization" not in request.headers
    assert request.query == {"mobile": ["96899887766"], "message": ["Your mobile verification code : 951386"],
                             "from": ["ChamberOman"], "lang": ["0"], "user": ["chamber"], "pass_": ["secret"]}


def test_factory_builds_a_gateway_from_settings(sms_gateway):
    config = {
        "SMS_BACKEND": "http", "SMS_GATEWAY_URL": sms_gateway.url, "SMS_GATEWAY_SHAPE": "form",
        "SMS_GATEWAY_FIELDS": json.dumps(OCCI_FIELDS), "SMS_GATEWAY_TOKEN": "key-9",
        "SMS_GATEWAY_TOKEN_HEADER": "X-API-Key", "SMS_SENDER": "ChamberOman", "SMS_TIMEOUT": "5",
        "SMS_GATEWAY_SUCCESS_FIELD": "status", "SMS_GATEWAY_SUCCESS_VALUE": "ok",
        "SMS_GATEWAY_ID_FIELD": "result.message_id",
    }

    receipt = make_sms_sender(config).send(code_sms())

    assert receipt.provider_id == "gw-1"
    request = sms_gateway.requests[0]
    assert request.headers["x-api-key"] == "key-9"
    assert request.form()["message"] == [CODE_TEXT]


def test_client_error_is_permanent(sms_gateway):
    sms_gateway.script.append((400, '{"error": "invalid number"}'))

    with pytest.raises(DeliveryFailed) as failure:
        HttpSmsGateway(sms_gateway.url, timeout=5).send(code_sms())

    assert failure.value.permanent
    assert "400" in str(failure.value) and "invalid number" in str(failure.value)


def test_too_many_requests_is_transient(sms_gateway):
    sms_gateway.script.append((429, "slow down"))

    with pytest.raises(DeliveryFailed) as failure:
        HttpSmsGateway(sms_gateway.url, timeout=5).send(code_sms())

    assert not failure.value.permanent


def test_success_field_saying_no_is_permanent(sms_gateway):
    sms_gateway.script.append((200, '{"status": "failed", "reason": "number barred"}'))
    gateway = HttpSmsGateway(sms_gateway.url, success_field="status", success_value="ok", timeout=5)

    with pytest.raises(DeliveryFailed) as failure:
        gateway.send(code_sms())

    assert failure.value.permanent
    assert "number barred" in str(failure.value)


def test_success_field_on_a_page_that_is_not_json_is_transient(sms_gateway):
    sms_gateway.script.append((200, "<html>maintenance</html>"))
    gateway = HttpSmsGateway(sms_gateway.url, success_field="status", timeout=5)

    with pytest.raises(DeliveryFailed) as failure:
        gateway.send(code_sms())

    assert not failure.value.permanent


def test_redirect_is_not_followed_and_is_permanent(sms_gateway):
    sms_gateway.script.append((302, "moved"))

    with pytest.raises(DeliveryFailed) as failure:
        HttpSmsGateway(sms_gateway.url, timeout=5).send(code_sms())

    assert failure.value.permanent
    assert len(sms_gateway.requests) == 1


def test_gateway_that_does_not_answer_in_time_is_transient(sms_gateway):
    sms_gateway.stall = True

    with pytest.raises(DeliveryFailed) as failure:
        HttpSmsGateway(sms_gateway.url, timeout=0.2).send(code_sms())

    assert not failure.value.permanent


def test_connection_refused_is_transient(unused_port):
    gateway = HttpSmsGateway(f"http://127.0.0.1:{unused_port}/sms", timeout=5)

    with pytest.raises(DeliveryFailed) as failure:
        gateway.send(code_sms())

    assert not failure.value.permanent
