"""The commercial registry the portal asks about a company, and the error it raises when it cannot answer."""
from __future__ import annotations

from collections.abc import Mapping

from app.adapters.registry import CommercialRegistry, RegistryError, make_registry

__all__ = ["RegistryError", "registry_for"]


def registry_for(config: Mapping) -> CommercialRegistry:
    """The configured registry: the registry's HTTP API, or the file-backed one of the embedded defaults."""
    return make_registry(config)
