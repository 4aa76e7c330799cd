"""The Content-Security-Policy and its nonces, HSTS, the trusted hosts, and the CSP report endpoint."""
from __future__ import annotations

import logging
import re

from app.http_security import content_security_policy
from tests.conftest import csrf_from
from tests.integration.helpers import PASSWORD, make_user


def _policy(response) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in
            response.headers["Content-Security-Policy"].split("; ")}


def test_every_page_gets_a_fresh_nonce_that_its_scripts_carry(app, client):
    first, second = client.get("/login/"), client.get("/login/")
    nonces = [re.search(r"'nonce-([^']+)'", _policy(r)["script-src"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 16
    body = first.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all(f'nonce="{nonces[0]}"' in tag for tag in scripts)
    policy = _policy(first)
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'" and policy["script-src-attr"] == "'none'"
    assert "unsafe-inline" not in first.headers["Content-Security-Policy"]
    assert policy["report-uri"] == "/csp-report"
    assert first.headers["X-Frame-Options"] == "DENY" and first.headers["X-Content-Type-Options"] == "nosniff"


def test_forms_may_post_to_ourselves_and_the_configured_gateway_only(app):
    config = {**app.config, "PAYMENT_GATEWAY": "cybersource", "SAML_ENABLED": False,
              "CYBERSOURCE_ENDPOINT": "https://secureacceptance.cybersource.com/pay"}
    policy = content_security_policy(config, "abc")
    assert "form-action 'self' https://secureacceptance.cybersource.com;" in policy
    assert "script-src 'self' 'nonce-abc';" in policy
    captcha = content_security_policy({**config, "RECAPTCHA_SITE_KEY": "site"}, "abc")
    assert "https://www.google.com/recaptcha/" in captcha and "frame-src 'self' https://www.google.com/recaptcha/" in captcha


def test_the_sandbox_gateway_and_the_development_idp_pages_are_covered(app, client):
    # The development IdP asked for a login without a request, the sandbox gateway sent unsigned fields.
    for url, page in (("/dev-idp/sso", client.get("/dev-idp/sso")),
                      ("/sandbox-gateway/pay", client.post("/sandbox-gateway/pay", data={"amount": "1"}))):
        nonce = re.search(r"'nonce-([^']+)'", _policy(page)["style-src"]).group(1)
        body = page.get_data(as_text=True)
        assert f'<style nonce="{nonce}">' in body, url
        assert not re.search(r"\son[a-z]+=", body) and 'style="' not in body, url


def test_hsts_only_in_production_behind_https(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login/").headers
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    assert "Strict-Transport-Security" not in client.get("/login/").headers  # PUBLIC_BASE_URL is http
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://eservices.example.om")
    hsts = client.get("/login/").headers["Strict-Transport-Security"]
    assert hsts == "max-age=63072000; includeSubDomains"


def test_a_foreign_host_is_refused_before_any_view(app, client):
    response = client.get("/login/", headers={"Host": "evil.example"})
    assert response.status_code == 400 and "not served here" in response.get_data(as_text=True)
    assert client.get("/static/css/ghurfa.css", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login/", headers={"Host": "127.0.0.1:5000"}).status_code == 200  # PUBLIC_BASE_URL's
    assert client.get("/login/", headers={"Host": "LOCALHOST:80"}).status_code == 200  # TRUSTED_HOSTS
    # Load balancers and Prometheus probe the server's own address.
    assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200


def test_a_login_never_redirects_to_another_site(app, client):
    make_user(app, "staff1", "Staff")
    for target in ("http://evil.example/phish", "//evil.example/phish", "/\\evil.example", "https://127.0.0.1:5000/x"):
        visitor = app.test_client()
        page = visitor.get("/login/")
        response = visitor.post(f"/login/?next={target}", data={"username": "staff1", "password": PASSWORD,
                                                                 "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert response.status_code == 302 and "evil.example" not in response.location, target
        assert response.location.startswith("/") and not response.location.startswith("//"), target
    visitor = app.test_client()
    page = visitor.get("/login/")
    response = visitor.post("/login/?next=http://127.0.0.1:5000/companyview/list/",
                            data={"username": "staff1", "password": PASSWORD,
                                  "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.location == "/companyview/list/"


def test_csp_reports_are_logged_and_rate_limited(app, client, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_CSP_REPORT", "3 per minute")
    report = {"csp-report": {"document-uri": "http://127.0.0.1:5000/login/", "violated-directive": "script-src",
                             "blocked-uri": "https://evil.example/x.js\n", "line-number": 4}}
    with caplog.at_level(logging.WARNING, logger="ghurfa.csp"):
        response = client.post("/csp-report", json=report, headers={"Content-Type": "application/csp-report"})
        assert response.status_code == 204
        batch = [{"type": "csp-violation", "body": {"documentURL": "http://127.0.0.1:5000/portal/",
                                                    "effectiveDirective": "style-src-attr", "blockedURL": "inline"}}]
        assert client.post("/csp-report", json=batch,
                           headers={"Content-Type": "application/reports+json"}).status_code == 204
    lines = [record.getMessage() for record in caplog.records if record.name == "ghurfa.csp"]
    assert "violated-directive=script-src" in lines[0] and "blocked-uri=https://evil.example/x.js?" in lines[0]
    assert "effective-directive=style-src-attr" in lines[1] and "document-uri=http://127.0.0.1:5000/portal/" in lines[1]
    assert client.post("/csp-report", data=b"not json", content_type="application/csp-report").status_code == 400
    assert client.post("/csp-report", json=report).status_code == 429
    assert client.post("/csp-report", data=b"x" * 20000, content_type="application/csp-report").status_code in (413, 429)


def test_a_huge_report_is_refused(app, client):
    assert client.post("/csp-report", data=b"[" + b" " * 20000 + b"]",
                       content_type="application/csp-report").status_code == 413


def test_the_openapi_document_names_the_public_address(app, client):
    from tests.integration.helpers import login

    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    spec = client.get("/api/v1/_openapi").get_json()
    assert spec["servers"] == [{"url": "http://127.0.0.1:5000"}]


def test_forms_may_post_to_the_national_idp_named_in_its_metadata(app):
    from app.saml.dev_idp.metadata import metadata_xml
    from app.saml.settings import build_settings, idp_service_urls

    own = app.config["PUBLIC_BASE_URL"].rstrip("/")
    metadata = metadata_xml(app.config).replace(own, "https://idp.pki.example.om")
    config = {**app.config, "SAML_ENABLED": True, "DEV_IDP_ENABLED": False, "SAML_IDP_METADATA": metadata}
    idp = build_settings(config)["idp"]  # python3-saml's reading of the metadata
    assert idp_service_urls(config) == (idp["singleSignOnService"]["url"], idp["singleLogoutService"]["url"])
    assert idp["singleSignOnService"]["url"].startswith("https://idp.pki.example.om/")
    policy = content_security_policy(config, "abc")
    assert "form-action 'self' http" in policy and " https://idp.pki.example.om;" in policy
