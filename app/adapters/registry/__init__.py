"""The Ministry of Commerce commercial registry: interface, records and adapters.

Configuration (read by :func:`make_registry`):

``REGISTRY_BACKEND``  ``file`` (default, the embedded demo registry) or ``http``.
``REGISTRY_FILE``     the JSON file of the file backend (default: the shipped demo data).
``REGISTRY_URL``      the API base URL of the http backend (required for ``http``).
``REGISTRY_API_KEY``  sent as ``Authorization: Bearer ...`` by the http backend.
``REGISTRY_TIMEOUT``  seconds the http backend waits for a whole answer (default 10).
``REGISTRY_CONNECT_TIMEOUT``  seconds to connect (default: ``REGISTRY_TIMEOUT``).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping

from .base import ChangeBatch, CommercialRegistry
from .errors import InvalidRegistryQuery, MalformedRegistryData, RegistryError, RegistryUnavailable
from .file_registry import DEMO_REGISTRY_FILE, FileRegistry
from .http_registry import DEFAULT_TIMEOUT, HttpRegistry
from .records import (
    GOVERNORATE_CODES,
    GRADE_CODES,
    SIGNATORY_ROLES,
    STATUSES,
    RegistryCompany,
    RegistrySignatory,
)

__all__ = [
    "ChangeBatch",
    "CommercialRegistry",
    "FileRegistry",
    "GOVERNORATE_CODES",
    "GRADE_CODES",
    "HttpRegistry",
    "InvalidRegistryQuery",
    "MalformedRegistryData",
    "RegistryCompany",
    "RegistryError",
    "RegistrySignatory",
    "RegistryUnavailable",
    "SIGNATORY_ROLES",
    "STATUSES",
    "make_registry",
]


_file_registries: dict[str, FileRegistry] = {}
_file_registries_lock = threading.Lock()


def make_registry(config: Mapping) -> CommercialRegistry:
    """The registry the configuration asks for (a Flask ``app.config`` will do)."""
    backend = (config.get("REGISTRY_BACKEND") or "file").strip().lower()
    if backend == "file":
        return _file_registry(config.get("REGISTRY_FILE") or DEMO_REGISTRY_FILE)
    if backend == "http":
        url = config.get("REGISTRY_URL")
        if not url:
            raise ValueError("REGISTRY_BACKEND=http needs REGISTRY_URL")
        connect = config.get("REGISTRY_CONNECT_TIMEOUT")
        return HttpRegistry(
            url,
            api_key=config.get("REGISTRY_API_KEY") or None,
            timeout=_seconds(config.get("REGISTRY_TIMEOUT"), "REGISTRY_TIMEOUT", DEFAULT_TIMEOUT),
            connect_timeout=_seconds(connect, "REGISTRY_CONNECT_TIMEOUT", None) if connect else None,
        )
    raise ValueError(f"REGISTRY_BACKEND must be 'file' or 'http', got {backend!r}")


def _file_registry(path: str | os.PathLike) -> FileRegistry:
    """One FileRegistry per file and process: its loaded copy serves every request and job run
    until the file changes (it reloads itself then)."""
    key = os.path.abspath(path)
    with _file_registries_lock:
        registry = _file_registries.get(key)
        if registry is None:
            registry = _file_registries[key] = FileRegistry(path)
        return registry


def _seconds(value: object, name: str, default: float | None) -> float | None:
    # Settings often arrive from the environment as text.
    if value is None or value == "":
        return default
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}") from None
    if seconds <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return seconds
