"""POST /csp-report: browsers report Content-Security-Policy violations here; each is logged, nothing stored."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, Flask, Response, current_app, request

from app.extensions import csrf, limiter
from views.portal.limits import client_address

log = logging.getLogger("ghurfa.csp")

MAX_BODY = 16 * 1024
FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri", "source-file", "line-number")

blueprint = Blueprint("csp_report", __name__)


def _reports(payload) -> list[dict]:
    """The violation bodies of a report-uri post ({"csp-report": {...}}) or a Reporting API batch."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [item.get("body") for item in payload if isinstance(item, dict) and isinstance(item.get("body"), dict)]
    return []


def _clean(value) -> str:
    return "".join(char if char.isprintable() else "?" for char in str(value))[:300]


@blueprint.route("/csp-report", methods=["POST"])
@csrf.exempt
@limiter.limit(lambda: current_app.config["RATELIMIT_CSP_REPORT"], key_func=client_address)
def csp_report():
    if (request.content_length or 0) > MAX_BODY:
        return Response(status=413)
    try:
        payload = json.loads(request.get_data(cache=False)[:MAX_BODY] or b"null")
    except (ValueError, UnicodeDecodeError):
        return Response(status=400)
    reports = _reports(payload)
    for report in reports[:10]:
        # Reporting API bodies use camelCase; report-uri bodies use dashes.
        found = {name: report.get(name, report.get(_camel(name))) for name in FIELDS}
        log.warning("CSP violation from %s: %s", client_address(),
                    " ".join(f"{name}={_clean(value)}" for name, value in found.items() if value not in (None, "")))
    return Response(status=204)


def _camel(name: str) -> str:
    head, *rest = name.replace("uri", "URL").split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
