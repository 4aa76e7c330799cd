"""What every response carries: the Content-Security-Policy with a nonce per request, HSTS in
production, the usual hardening headers, and the refusal of any Host that is not ours.

Absolute URLs and redirect checks come from PUBLIC_BASE_URL, never from the request's Host.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import logging
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from flask_babel import gettext

log = logging.getLogger("ghurfa.security")

# Flask-AppBuilder's own templates carry these fixed style attributes (hidden action forms, the
# pagination, the required-field star, preformatted show values); they are allowed by hash
# ('unsafe-hashes'), never by 'unsafe-inline'.
FAB_STYLE_ATTRIBUTES = ("display: none", "display: none;", "display:inherit;", "color: red",
                        "display: flex;", "white-space: pre-line", "")

RECAPTCHA_SCRIPTS = ("https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/")
RECAPTCHA_FRAMES = ("https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/")


def csp_nonce() -> str:
    """This request's nonce; every inline <script> and <style> we serve carries it."""
    nonce = g.get("_ghurfa_csp_nonce")
    if nonce is None:
        nonce = g._ghurfa_csp_nonce = secrets.token_urlsafe(18)
    return nonce


def origin_of(url: str | None) -> str | None:
    """scheme://host[:port] of an absolute http(s) URL, or None for a relative or odd one."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def public_netloc(config: Mapping) -> str:
    return urlsplit(config["PUBLIC_BASE_URL"]).netloc.lower()


def _normal_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    for default in (":80", ":443"):
        if host.endswith(default):
            return host[: -len(default)]
    return host


def trusted_hosts(config: Mapping) -> frozenset[str]:
    """PUBLIC_BASE_URL's host and TRUSTED_HOSTS, each with and without a default port."""
    hosts = [public_netloc(config), *config.get("TRUSTED_HOSTS_EXTRA", ())]
    return frozenset(_normal_host(host) for host in hosts if host)


def public_https(config: Mapping) -> bool:
    return str(config.get("PUBLIC_BASE_URL", "")).lower().startswith("https://")


def _attribute_hash(value: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode("utf-8")).digest()).decode("ascii") + "'"


@functools.lru_cache(maxsize=1)
def _style_attribute_sources() -> str:
    return " ".join(["'unsafe-hashes'", *(_attribute_hash(value) for value in FAB_STYLE_ATTRIBUTES)])


def form_targets(config: Mapping) -> list[str]:
    """The origins besides our own that our pages may post a form to: the payment gateway, the IdP."""
    targets: list[str] = []
    if str(config.get("PAYMENT_GATEWAY") or "sandbox").lower() == "cybersource":
        from app.adapters.payments.cybersource import TEST_ENDPOINT

        targets.append(origin_of(config.get("CYBERSOURCE_ENDPOINT") or TEST_ENDPOINT))
    else:
        targets.append(origin_of(config.get("SANDBOX_GATEWAY_URL")))
    if config.get("SAML_ENABLED"):
        targets.extend(_idp_origins(config))
    targets.extend(origin_of(url) or url for url in config.get("CSP_FORM_ACTION_EXTRA", ()))
    own = origin_of(config.get("PUBLIC_BASE_URL"))
    return sorted({target for target in targets if target and target != own})


def _idp_origins(config: Mapping) -> list[str]:
    from app.saml.settings import idp_service_urls

    try:
        return [origin_of(url) for url in idp_service_urls(config)]
    except Exception:  # an IdP not configured yet: its pages are refused elsewhere, with their own message
        return []


def content_security_policy(config: Mapping, nonce: str) -> str:
    scripts = ["'self'", f"'nonce-{nonce}'"]
    frames = ["'self'"]
    if config.get("RECAPTCHA_SITE_KEY"):
        scripts.extend(RECAPTCHA_SCRIPTS)
        frames.extend(RECAPTCHA_FRAMES)
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src-attr": [_style_attribute_sources()],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": frames,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *form_targets(config)],
        "frame-ancestors": ["'none'"],
        "report-uri": ["/csp-report"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class _PublicHosts:
    """FAB_SAFE_REDIRECT_HOSTS read at request time: PUBLIC_BASE_URL's host, never the request's."""

    def __iter__(self):
        return iter([public_netloc(current_app.config)])

    def __len__(self) -> int:
        return 1


# Probed by load balancers and Prometheus at the server's own address; they build no links.
PROBE_ENDPOINTS = frozenset({"healthz", "readyz", "metrics"})


def refuse_foreign_host():
    """before_request: a Host header that is not ours gets a 400, before any view or redirect sees it."""
    if _normal_host(request.host) in trusted_hosts(current_app.config) or request.endpoint in PROBE_ENDPOINTS:
        return None
    log.warning("request for host %r refused (not PUBLIC_BASE_URL's nor in TRUSTED_HOSTS)", request.host[:100])
    return Response(gettext("This address is not served here."), status=400, mimetype="text/plain")


def add_security_headers(response: Response) -> Response:
    config = current_app.config
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = content_security_policy(config, csp_nonce())
    if config.get("PRODUCTION") and public_https(config):
        headers.setdefault("Strict-Transport-Security", f"max-age={int(config['HSTS_MAX_AGE'])}; includeSubDomains")
    return response


def install(app: Flask) -> None:
    """Called first in create_app(), so the host check runs before every other hook."""
    app.before_request(refuse_foreign_host)
    app.after_request(add_security_headers)
    # A global, not a context processor: FAB's macros imported without context must see it too.
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # FAB checks `next` against these hosts; without them it would trust the request's own Host.
    app.config["FAB_SAFE_REDIRECT_HOSTS"] = _PublicHosts()
    app.config.setdefault("FAB_OPENAPI_SERVERS", [{"url": app.config["PUBLIC_BASE_URL"].rstrip("/")}])
