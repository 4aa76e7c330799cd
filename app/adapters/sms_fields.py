"""The SMS gateway's field templates: a mapping of the gateway's parameter names to text with
{placeholders}, checked once when the sender is built and filled in for each message; and
reading a field out of the gateway's JSON answer by a dotted path (`result.0.id`).
"""
from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from app.adapters.delivery import AdapterConfigError

DEFAULT_FIELDS: dict[str, Any] = {"to": "{to}", "text": "{text}", "sender": "{sender}"}
# What a field template may use. Credentials are there for gateways that want
# them in the body or the query string; their values still come from settings.
PLACEHOLDERS = frozenset({"to", "to_digits", "text", "sender", "unicode", "username", "password", "token"})


def template_fields(template: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise AdapterConfigError(
            _l("The SMS gateway field %(value)s is not a valid template: %(error)s",
               value=repr(template), error=str(exc))) from None


def check_fields(fields: Any, shape: str) -> None:
    """Refuse a field mapping that could not be filled in, before any SMS is sent."""
    if not isinstance(fields, dict) or not fields:
        raise AdapterConfigError(_l("The SMS gateway fields must be a non-empty mapping."))

    def walk(value: Any, nested_ok: bool) -> None:
        if isinstance(value, str):
            for name in template_fields(value):
                if name not in PLACEHOLDERS:
                    raise AdapterConfigError(
                        _l("Unknown placeholder {%(name)s} in the SMS gateway fields; use %(known)s.",
                           name=name, known=", ".join(sorted(PLACEHOLDERS))))
        elif nested_ok and isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise AdapterConfigError(_l("The SMS gateway field names must be text."))
                walk(item, nested_ok)
        elif nested_ok and isinstance(value, list):
            for item in value:
                walk(item, nested_ok)
        elif nested_ok and (value is None or isinstance(value, (bool, int, float))):
            pass
        else:
            raise AdapterConfigError(
                _l("The SMS gateway field value %(value)s cannot be sent as %(shape)s.",
                   value=repr(value), shape=shape))

    for key, value in fields.items():
        if not isinstance(key, str) or not key:
            raise AdapterConfigError(_l("The SMS gateway field names must be text."))
        # Form and query parameters are flat text; JSON may nest (e.g. a list of numbers).
        walk(value, nested_ok=shape == "json")


def placeholders_used(fields: Any) -> set[str]:
    if isinstance(fields, str):
        return set(template_fields(fields))
    if isinstance(fields, dict):
        return set().union(*(placeholders_used(item) for item in fields.values()))
    if isinstance(fields, list):
        return set().union(*(placeholders_used(item) for item in fields))
    return set()


def render_fields(fields: Any, values: Mapping[str, str]) -> Any:
    if isinstance(fields, str):
        return fields.format_map(values)
    if isinstance(fields, dict):
        return {key: render_fields(item, values) for key, item in fields.items()}
    if isinstance(fields, list):
        return [render_fields(item, values) for item in fields]
    return fields


def json_path(document: Any, path: str) -> tuple[bool, Any]:
    """Follow ``a.b.0.c`` into parsed JSON; (found, value)."""
    current = document
    for step in path.split("."):
        if isinstance(current, dict) and step in current:
            current = current[step]
        elif isinstance(current, list) and step.isdigit() and int(step) < len(current):
            current = current[int(step)]
        else:
            return False, None
    return True, current


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
