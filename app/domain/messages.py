"""Translatable messages that the domain can carry without importing Flask-Babel."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def N_(msgid: str) -> str:
    """Mark a msgid for extraction (pybabel extract -k N_) without translating it now."""
    return msgid


@dataclass(frozen=True)
class Message:
    """A msgid with its %(name)s parameters, translated only when shown.

    A parameter may itself be a Message (a fee's label inside an error, say); it is
    translated with the same gettext, so no sentence is built from English pieces.
    """

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def translate(
        self,
        gettext: Callable[[str], str],
        format_value: Callable[[Any], Any] | None = None,
    ) -> str:
        """Render in the caller's language: gettext(msgid) % params.

        `format_value`, when given, formats every plain parameter (dates, numbers)
        for the reader's locale, e.g. with Arabic-Indic digits.
        """
        values = {}
        for name, value in self.params.items():
            if isinstance(value, Message):
                values[name] = value.translate(gettext, format_value)
            elif format_value is not None:
                values[name] = format_value(value)
            else:
                values[name] = value
        return gettext(self.msgid) % values

    def __str__(self) -> str:
        return self.translate(lambda msgid: msgid)
