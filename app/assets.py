"""Addresses of stylesheets and scripts for the page layout, each built once per app.

Every page links about twenty of them; Flask builds each address through the URL map
(a few hundredths of a millisecond each, on every page). They depend only on the app, the
file and where the app is mounted (SCRIPT_NAME), which key the cache.
"""
from __future__ import annotations

from flask import current_app, request, url_for


def asset_url(endpoint: str, filename: str) -> str:
    """url_for(endpoint, filename=filename) for a static file, as this request's mount point names it."""
    known = current_app.extensions.setdefault("ghurfa_asset_urls", {})
    key = (request.script_root, endpoint, filename)
    url = known.get(key)
    if url is None:
        url = known[key] = url_for(endpoint, filename=filename)
    return url
