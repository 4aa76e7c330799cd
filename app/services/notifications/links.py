"""The portal pages a message links to: one table of paths, made absolute on PUBLIC_BASE_URL.

Services name the page and its parameters; only this module knows the addresses, so a
moved page is changed here once and every mail and SMS follows.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

PAGES: Mapping[str, str] = {
    "login": "/login/",
    "receipt": "/services/receipt/{reference}",
    "certificate": "/services/certificates/{serial}.pdf",
    "renewal": "/services/renewal/",
    "name_change": "/services/name-change/",
    "grade_change": "/services/grade-change/",
    "reset_password": "/reset-password/{token}",
}


def page_path(page: str, **params: Any) -> str:
    """The path of a portal page, with its parameters quoted: page_path("receipt", reference="GH-1")."""
    return PAGES[page].format(**{name: quote(str(value), safe="") for name, value in params.items()})


def page_link(config: Mapping[str, Any], page: str, **params: Any) -> str:
    """The address of a portal page for a message: PUBLIC_BASE_URL followed by its path."""
    return (config.get("PUBLIC_BASE_URL") or "").rstrip("/") + page_path(page, **params)
