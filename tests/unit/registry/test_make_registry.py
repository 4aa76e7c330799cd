"""Choosing the registry from configuration, and the records' JSON round trip."""
from __future__ import annotations

from datetime import datetime, timezone

import msgspec
import pytest

from app.adapters.registry import FileRegistry, HttpRegistry, MalformedRegistryData, make_registry
from app.adapters.registry.file_registry import DEMO_REGISTRY_FILE
from app.adapters.registry.records import company_from_json, company_to_json


def test_the_file_backend_with_the_demo_data_is_the_default():
    registry = make_registry({})
    assert isinstance(registry, FileRegistry)
    assert registry.path == DEMO_REGISTRY_FILE
    assert registry.company("1229237").name_en == "promising projects"


def test_the_file_backend_reads_the_configured_file(registry_file, company_json):
    registry_file.write([company_json("42")])
    registry = make_registry({"REGISTRY_BACKEND": "file", "REGISTRY_FILE": str(registry_file.path)})
    assert registry.company("42") is not None and registry.company("1229237") is None


def test_the_http_backend_takes_url_key_and_timeouts_from_text_settings():
    registry = make_registry({
        "REGISTRY_BACKEND": "HTTP",
        "REGISTRY_URL": "https://registry.example.om/api/v1/",
        "REGISTRY_API_KEY": "s3cret",
        "REGISTRY_TIMEOUT": "2.5",
        "REGISTRY_CONNECT_TIMEOUT": "1",
    })
    assert isinstance(registry, HttpRegistry)
    assert registry.base_url == "https://registry.example.om/api/v1"
    assert (registry.timeout, registry.connect_timeout) == (2.5, 1.0)
    assert "s3cret" not in repr(registry)


@pytest.mark.parametrize("config, complaint", [
    ({"REGISTRY_BACKEND": "ldap"}, "REGISTRY_BACKEND"),
    ({"REGISTRY_BACKEND": "http"}, "REGISTRY_URL"),
    ({"REGISTRY_BACKEND": "http", "REGISTRY_URL": "ftp://registry.example.om"}, "http(s)"),
    ({"REGISTRY_BACKEND": "http", "REGISTRY_URL": "https://r.example.om", "REGISTRY_TIMEOUT": "soon"},
     "REGISTRY_TIMEOUT"),
    ({"REGISTRY_BACKEND": "http", "REGISTRY_URL": "https://r.example.om", "REGISTRY_TIMEOUT": "0"},
     "REGISTRY_TIMEOUT"),
    # A bearer token must not cross the network in clear text.
    ({"REGISTRY_BACKEND": "http", "REGISTRY_URL": "http://registry.example.om", "REGISTRY_API_KEY": "k"},
     "https"),
])
def test_bad_settings_are_refused_at_start(config, complaint):
    with pytest.raises(ValueError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        make_registry(config)


def test_plain_http_with_a_key_is_allowed_on_loopback_only():
    for url in ("http://127.0.0.1:8081", "http://localhost:8081", "http://[::1]:8081"):
        assert make_registry({"REGISTRY_BACKEND": "http", "REGISTRY_URL": url, "REGISTRY_API_KEY": "k"})


def test_a_company_survives_the_json_round_trip():
    company = make_registry({}).company("1445820")
    assert company_from_json(company_to_json(company)) == company


def test_records_are_frozen_and_validated_on_the_way_in():
    company = make_registry({}).company("1229237")
    with pytest.raises(AttributeError):
        company.grade_code = "first"  # type: ignore[misc]
    as_json = company_to_json(company)
    with pytest.raises(MalformedRegistryData, match="grade_code"):
        company_from_json({**as_json, "grade_code": "fifth"})
    with pytest.raises(MalformedRegistryData, match="updated_at"):
        company_from_json({**as_json, "updated_at": "2024-01-01T10:00:00"})
    with pytest.raises(MalformedRegistryData, match=r"company\.signatories: a civil ID is listed twice"):
        company_from_json({**as_json, "signatories": as_json["signatories"] * 2})
    with pytest.raises(MalformedRegistryData, match=r"company\.name_ar: a company needs its Arabic name"):
        company_from_json({**as_json, "name_ar": " "})
    # A rule of __post_init__ also holds for a record built in code.
    with pytest.raises(ValueError, match="name_ar"):
        msgspec.structs.replace(company, name_ar="")


def test_offsets_are_brought_to_utc():
    as_json = company_to_json(make_registry({}).company("1229237"))
    company = company_from_json({**as_json, "updated_at": "2024-01-01T10:00:00+04:00"})
    assert company.updated_at == datetime(2024, 1, 1, 6, 0, tzinfo=timezone.utc)
    assert company.updated_at.tzinfo is timezone.utc
