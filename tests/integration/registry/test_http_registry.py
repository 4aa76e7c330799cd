"""The HTTP registry client against the reference server on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import time

import pytest

from app.adapters.registry import (
    FileRegistry,
    HttpRegistry,
    InvalidRegistryQuery,
    MalformedRegistryData,
    RegistryUnavailable,
    make_registry,
)
from app.adapters.registry.dev_server import Fault, RegistryDevServer
from app.adapters.registry.file_registry import DEMO_REGISTRY_FILE
from app.adapters.registry.records import company_to_json

API_KEY = "test-registry-key"
TIMEOUT = 0.3


@pytest.fixture
def server():
    with RegistryDevServer(DEMO_REGISTRY_FILE, api_key=API_KEY, prefix="/api/v1") as running:
        yield running


@pytest.fixture
def client(server) -> HttpRegistry:
    return make_registry({
        "REGISTRY_BACKEND": "http",
        "REGISTRY_URL": server.base_url,
        "REGISTRY_API_KEY": API_KEY,
        "REGISTRY_TIMEOUT": str(TIMEOUT),
    })


@pytest.fixture(scope="module")
def demo() -> FileRegistry:
    return FileRegistry(DEMO_REGISTRY_FILE)


def test_companies_of_a_signatory_come_back_as_the_registry_holds_them(client, demo):
    companies = client.companies_for_civil_id("7324674")
    assert [c.cr_number for c in companies] == ["1102345", "1310022", "1445820"]
    assert companies == demo.companies_for_civil_id("7324674")
    assert client.companies_for_civil_id("1000001") == []


def test_a_company_by_cr_number(client, demo):
    company = client.company("1229237")
    assert company == demo.company("1229237")
    assert company.name_ar == "المشاريع الواعدة"


def test_an_unknown_cr_number_is_none(client, server):
    assert client.company("9999999") is None
    assert server.requests[-1][0] == "/api/v1/companies/9999999"


def test_a_404_that_is_not_the_registrys_answer_is_no_proof_of_absence(server):
    # REGISTRY_URL without its /api/v1 path: every page is a 404 from the web server.
    misconfigured = HttpRegistry(server.base_url.removesuffix("/api/v1"), api_key=API_KEY,
                                 timeout=TIMEOUT)
    with pytest.raises(RegistryUnavailable, match="HTTP 404"):
        misconfigured.company("1229237")


def test_the_bearer_token_is_sent_on_every_request(client, server):
    client.company("1229237")
    client.companies_for_civil_id("1526575")
    client.changes_since(None, limit=2)
    assert [auth for _, auth in server.requests] == [f"Bearer {API_KEY}"] * 3


def test_a_wrong_key_makes_the_registry_unavailable(server):
    intruder = HttpRegistry(server.base_url, api_key="wrong", timeout=TIMEOUT)
    with pytest.raises(RegistryUnavailable, match="HTTP 401"):
        intruder.company("1229237")


def test_the_changes_feed_pages_and_resumes_like_the_file(client, demo):
    first = client.changes_since(None, limit=4)
    assert len(first.companies) == 4 and not first.done
    rest = client.changes_since(first.next_cursor, limit=1000)
    assert rest.done
    assert first.companies + rest.companies == list(demo.all_companies(1000))
    assert list(client.all_companies(batch_size=3)) == list(demo.all_companies(1000))


def test_a_cursor_the_server_refuses_is_an_invalid_query(client):
    with pytest.raises(InvalidRegistryQuery):
        client.changes_since("bm90IGEgY3Vyc29y")


def test_a_503_makes_the_registry_unavailable(client, server):
    server.fault = Fault.UNAVAILABLE
    with pytest.raises(RegistryUnavailable) as failure:
        client.companies_for_civil_id("7324674")
    assert "HTTP 503" in failure.value.detail
    assert not isinstance(failure.value, MalformedRegistryData)
    assert str(failure.value.message) == "The commercial registry cannot be reached. Please try again later."


def test_malformed_json_makes_the_registry_unavailable(client, server):
    server.fault = Fault.MALFORMED
    with pytest.raises(MalformedRegistryData, match="not JSON"):
        client.company("1229237")
    with pytest.raises(RegistryUnavailable):
        client.changes_since(None)


def test_a_slow_registry_times_out_within_the_configured_time(client, server):
    server.fault = Fault.SLOW
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable, match="no answer within"):
        client.company("1229237")
    elapsed = time.monotonic() - started
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT + 0.7


def test_a_body_that_trickles_in_is_cut_at_the_configured_time(client, server):
    # Each byte comes well within the read timeout; only the total deadline stops it.
    server.fault = Fault.DRIP
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable, match="no answer within"):
        client.company("1229237")
    assert time.monotonic() - started < TIMEOUT + 0.7


def test_a_refused_connection_makes_the_registry_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe is closed.
    client = HttpRegistry(f"http://127.0.0.1:{port}", timeout=TIMEOUT)
    with pytest.raises(RegistryUnavailable, match="ConnectionError"):
        client.company("1229237")


# --- answers that parse but cannot be trusted -------------------------------------


@pytest.fixture
def served_file(tmp_path):
    """A registry file the test rewrites, served without a key."""
    path = tmp_path / "registry.json"
    with RegistryDevServer(path) as running:
        yield path, HttpRegistry(running.base_url, timeout=TIMEOUT), running


def _write(path, companies):
    path.write_text(json.dumps({"companies": companies}, ensure_ascii=False), encoding="utf-8")


def test_a_company_with_a_bad_grade_is_a_malformed_answer(served_file, demo):
    path, client, server = served_file
    company = company_to_json(demo.company("1229237"))
    _write(path, [company])
    assert client.company("1229237") == demo.company("1229237")

    # The reference server validates its own file, so a bad answer has to be forged.
    server.forged = (200, json.dumps(dict(company, grade_code="fifth")).encode())
    with pytest.raises(MalformedRegistryData, match="grade_code"):
        client.company("1229237")


def test_an_answer_for_another_cr_or_signatory_is_refused(served_file, demo):
    _, client, server = served_file
    other = company_to_json(demo.company("1000123"))  # no 7324674 among its signatories
    server.forged = (200, json.dumps({"companies": [other]}).encode())
    with pytest.raises(MalformedRegistryData, match="does not list"):
        client.companies_for_civil_id("7324674")
    server.forged = (200, json.dumps(other).encode())
    with pytest.raises(MalformedRegistryData, match="answered with CR 1000123"):
        client.company("1229237")


def test_a_changes_page_without_its_cursor_is_refused(served_file):
    _, client, server = served_file
    server.forged = (200, b'{"companies": [], "done": true}')
    with pytest.raises(MalformedRegistryData, match="next_cursor"):
        client.changes_since(None)
