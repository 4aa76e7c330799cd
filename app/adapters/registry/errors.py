"""Errors raised by the commercial registry adapters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


class RegistryError(Exception):
    """Base of every registry failure.

    ``message`` is the translatable text a view shows the user; ``detail`` is the
    English explanation meant for the log (it may name URLs, statuses or fields).
    """

    message = _l("The commercial registry returned an error.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or str(self.message))
        self.detail = detail


class RegistryUnavailable(RegistryError):
    """The registry could not answer: timeout, connection error, 5xx, bad answer."""

    message = _l("The commercial registry cannot be reached. Please try again later.")


class MalformedRegistryData(RegistryUnavailable):
    """The registry (file or server) answered with data we cannot trust.

    It is a kind of :class:`RegistryUnavailable` because, for the user, the outcome
    is the same: there is no answer to act on. ``detail`` names the faulty field.
    """


class InvalidRegistryQuery(RegistryError, ValueError):
    """The caller asked with a value the registry cannot take (nothing was sent)."""

    def __init__(self, message, detail: str = "") -> None:
        self.message = message
        super().__init__(detail or str(message))


def invalid_civil_id(value: object) -> InvalidRegistryQuery:
    return InvalidRegistryQuery(
        _l("A civil ID number is made of digits only."),
        f"not a civil ID number: {value!r}",
    )


def invalid_cr_number(value: object) -> InvalidRegistryQuery:
    return InvalidRegistryQuery(
        _l("A CR number is made of digits only."),
        f"not a CR number: {value!r}",
    )


def invalid_cursor(value: object) -> InvalidRegistryQuery:
    return InvalidRegistryQuery(
        _l("The registry synchronisation position is not valid."),
        f"not a registry sync cursor: {value!r}",
    )
