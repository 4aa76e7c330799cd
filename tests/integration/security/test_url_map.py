"""Walks the whole URL map as every role: security headers on every answer, CSRF refusal on every
state-changing route, and no route outside the public ones open to anonymous visitors."""
from __future__ import annotations

import re

import pytest
from app.extensions import db
from tests.integration.helpers import login, make_user

ROLES = ("anonymous", "member", "staff", "auditor", "admin")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# Open to anyone, by design (each one checks what it needs by itself).
PUBLIC = re.compile(r"^/($|login/|logout/|register/|forgot-password/|reset-password/|verify/|lang/|static/|appbuilder/"
                    r"|saml/(login|acs|sls|metadata|logout)/|dev-idp/|sandbox-gateway/|payments/(notify|receipt)$|csp-report$"
                    r"|api/v1/security/(login|refresh)$|back$|contact/$|favicon\.ico$|healthz$|readyz$)")

# Posted to by others than our own pages, so they carry no CSRF token; each proves itself otherwise.
CSRF_EXEMPT = {
    "/csp-report",                # browsers' violation reports: no session state is read or changed
    "/payments/notify",           # the gateway's server-to-server reply, signed with the gateway secret
    "/payments/receipt",          # the gateway's reply through the browser, signed the same way
    "/saml/acs/",                 # the identity provider's signed SAML response
    "/sandbox-gateway/pay",       # the sandbox's stand-in for the gateway's own page, signed fields
    "/api/v1/security/login",     # JWT login: JSON body, no cookie session
    "/api/v1/security/refresh",   # JWT refresh: bearer token, no cookie session
}

SAMPLE_ARGS = {"pk": "1", "name": "x", "checkout_id": "x", "token": "x", "locale": "en", "filename": "x",
               "reference": "x", "serial": "x", "list_name": "CompanyView", "fmt": "csv", "version": "v1"}


def _url(rule) -> str:
    from werkzeug.routing import IntegerConverter

    values = {arg: "1" if isinstance(rule._converters.get(arg), IntegerConverter) else SAMPLE_ARGS.get(arg, "x")
              for arg in rule.arguments}
    if rule.endpoint.endswith("static"):
        values["filename"] = "css/ghurfa.css" if rule.endpoint == "static" else "css/ab.css"
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def clients(app, monkeypatch):
    from app.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)  # hundreds of requests a minute from one address
    from tests.integration.jobs.factories import make_member

    with app.app_context():
        make_member(app, "member1", "7324674")
        db.session.commit()
        db.session.remove()
    for role in ("staff", "auditor", "admin"):
        make_user(app, f"{role}1", role.title())
    result = {"anonymous": app.test_client()}
    for role in ("member", "staff", "auditor", "admin"):
        client = app.test_client()
        response = login(client, f"{role}1")
        assert response.status_code == 302, role
        result[role] = client
    return result


def _rules(app, methods):
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.methods & methods:
            rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def _refused(response, client) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code not in (301, 302, 303):
        return False
    if "/login/" in response.location:
        return True
    # FAB turns a change asked for with GET away to the page before, saying so.
    with client.session_transaction() as session:
        return any("Access is Denied" in str(message) for _, message in session.get("_flashes", []))


def _check_headers(response, where: str, problems: list[str]) -> None:
    headers = response.headers
    for name, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                        ("Referrer-Policy", None)):
        if name not in headers or (value and headers[name] != value):
            problems.append(f"{where}: {name} is {headers.get(name)!r}")
    if response.mimetype != "text/html":
        return
    policy = headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'",
                      "form-action 'self'", "script-src 'self' 'nonce-"):
        if directive not in policy:
            problems.append(f"{where}: CSP lacks {directive!r}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"{where}: CSP allows inline or eval")
    body = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", policy)
    for tag in re.findall(r"<script\b[^>]*>", body):
        if 'type="application/json"' in tag:
            continue
        if not nonce or f'nonce="{nonce.group(1)}"' not in tag:
            problems.append(f"{where}: script without this request's nonce: {tag[:80]}")
    for handler in re.findall(r"<[a-z]+\b[^>]*\son[a-z]+=[\"'][^>]*>", body):
        problems.append(f"{where}: inline event handler: {handler[:80]}")


@pytest.mark.slow
def test_every_get_route_for_every_role(app, clients):
    problems: list[str] = []
    for rule in _rules(app, {"GET"}):
        url = _url(rule)
        for role in ROLES:
            where = f"{role} GET {url}"
            # A fresh anonymous browser each time, so no message flashed before can count as a refusal.
            client = app.test_client() if role == "anonymous" else clients[role]
            try:
                response = client.get(url)
            except Exception as error:  # an error page the visitor would see; reported with the others
                problems.append(f"{where}: {type(error).__name__}: {error}")
                continue
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
            _check_headers(response, where, problems)
            if role == "anonymous" and not PUBLIC.match(rule.rule) and not _refused(response, client):
                problems.append(f"{where}: open to anonymous visitors ({response.status_code})")
            response.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.slow
def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, clients):
    problems, exempt_seen = [], set()
    for rule in _rules(app, STATE_CHANGING):
        url = _url(rule)
        method = sorted(rule.methods & STATE_CHANGING)[0]
        for role in ROLES:
            try:
                response = clients[role].open(url, method=method, data={"name": "forged"})
            except Exception as error:  # reported with the others
                problems.append(f"{role} {method} {url}: {type(error).__name__}: {error}")
                continue
            body = response.get_data(as_text=True)
            csrf_refused = response.status_code == 400 and 'data-kind="csrf"' in body
            if rule.rule in CSRF_EXEMPT:
                exempt_seen.add(rule.rule) if not csrf_refused else problems.append(f"{rule.rule} is not exempt")
            elif not csrf_refused:
                problems.append(f"{role} {method} {url}: {response.status_code} without a CSRF token")
            _check_headers(response, f"{role} {method} {url}", problems)
            if role == "anonymous" and rule.rule not in CSRF_EXEMPT and not PUBLIC.match(rule.rule):
                # With a valid token, anonymous visitors are still turned away.
                from tests.conftest import csrf_for

                visitor = app.test_client()
                refused = visitor.open(url, method=method, data={"csrf_token": csrf_for(visitor, app)})
                if not _refused(refused, visitor):
                    problems.append(f"anonymous {method} {url}: {refused.status_code} with a valid token")
    assert problems == [], "\n".join(problems)
    assert exempt_seen == CSRF_EXEMPT & {rule.rule for rule in _rules(app, STATE_CHANGING)}


def test_the_walk_covers_the_whole_map(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 250
    built = {_url(rule) for rule in rules}
    assert "/companyview/list/" in built and "/audit-trail/verify" in built and "/csp-report" in built
