"""The SMS gateway's field templates on their own: checked, filled, and read back from an answer."""
from __future__ import annotations

import pytest

from app.adapters.sms_fields import AdapterConfigError, check_fields, json_path, placeholders_used, render_fields


def test_fields_are_checked_filled_and_their_placeholders_known():
    fields = {"msisdn": "{to_digits}", "body": "{text}", "meta": {"from": ["{sender}"], "flash": False}}
    check_fields(fields, "json")
    assert placeholders_used(fields) == {"to_digits", "text", "sender"}
    assert render_fields(fields, {"to_digits": "96891234567", "text": "مرحبا", "sender": "OCCI"}) == {
        "msisdn": "96891234567", "body": "مرحبا", "meta": {"from": ["OCCI"], "flash": False}}


@pytest.mark.parametrize("fields,shape", [({"to": "{phone}"}, "json"), ({"to": {"n": "{to}"}}, "form"), ({}, "query")])
def test_fields_that_cannot_be_filled_are_refused(fields, shape):
    with pytest.raises(AdapterConfigError):
        check_fields(fields, shape)


def test_a_dotted_path_reads_an_answer():
    answer = {"result": [{"id": 42, "ok": True}]}
    assert json_path(answer, "result.0.id") == (True, 42)
    assert json_path(answer, "result.1.id") == (False, None)
