"""The interface every commercial registry adapter offers."""
from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import invalid_civil_id, invalid_cr_number
from .records import RegistryCompany, is_registry_number

MAX_BATCH = 10_000


@dataclass(frozen=True)
class ChangeBatch:
    """One page of an incremental sync.

    ``next_cursor`` is what to pass to the next ``changes_since`` call; store it once
    the batch is saved. ``done`` says nothing more was waiting when the page was cut;
    the cursor of a done batch is where the next sync (hours later) starts.
    """

    companies: list[RegistryCompany]
    next_cursor: str
    done: bool


class CommercialRegistry(abc.ABC):
    """The Ministry of Commerce registry: companies by CR number and their signatories."""

    @abc.abstractmethod
    def companies_for_civil_id(self, civil_id: str) -> list[RegistryCompany]:
        """Every company (any status) listing this civil ID as a signatory, by CR number."""

    @abc.abstractmethod
    def company(self, cr_number: str) -> RegistryCompany | None:
        """The company with this CR number, or None when the registry has none."""

    @abc.abstractmethod
    def changes_since(self, cursor: str | None, limit: int = 1000) -> ChangeBatch:
        """Companies changed after ``cursor`` (opaque; None means from the start)."""

    def all_companies(self, batch_size: int = 1000) -> Iterator[RegistryCompany]:
        """Every company, fetched page by page (a full import)."""
        cursor: str | None = None
        while True:
            batch = self.changes_since(cursor, batch_size)
            yield from batch.companies
            if batch.done:
                return
            cursor = batch.next_cursor


def check_civil_id(civil_id: object) -> str:
    if not is_registry_number(civil_id):
        raise invalid_civil_id(civil_id)
    return civil_id  # type: ignore[return-value]


def check_cr_number(cr_number: object) -> str:
    if not is_registry_number(cr_number):
        raise invalid_cr_number(cr_number)
    return cr_number  # type: ignore[return-value]


def check_limit(limit: object) -> int:
    # A programming mistake rather than user input, hence a plain ValueError.
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_BATCH:
        raise ValueError(f"limit must be an integer from 1 to {MAX_BATCH}, got {limit!r}")
    return limit
