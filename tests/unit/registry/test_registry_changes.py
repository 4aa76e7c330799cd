"""Incremental sync from the file-backed registry: paging, resuming, later changes."""
from __future__ import annotations

import pytest

from app.adapters.registry import FileRegistry, InvalidRegistryQuery
from app.adapters.registry.file_registry import encode_cursor


@pytest.fixture
def seven(registry_file, company_json):
    """Seven companies; three share one timestamp so the CR number breaks the tie."""
    registry_file.write([
        company_json("7", "2024-03-01T00:00:00Z"),
        company_json("1", "2024-01-01T00:00:00Z"),
        company_json("5", "2024-02-01T00:00:00Z"),
        company_json("3", "2024-02-01T00:00:00Z"),
        company_json("4", "2024-02-01T00:00:00Z"),
        company_json("2", "2024-01-15T00:00:00+04:00"),
        company_json("6", "2024-02-15T08:30:00.250000Z"),
    ])
    return registry_file


CHANGE_ORDER = ["1", "2", "3", "4", "5", "6", "7"]


def _crs(batch):
    return [c.cr_number for c in batch.companies]


def test_pages_follow_the_change_order_until_done(seven):
    registry = FileRegistry(seven.path)
    first = registry.changes_since(None, limit=3)
    second = registry.changes_since(first.next_cursor, limit=3)
    third = registry.changes_since(second.next_cursor, limit=3)
    assert (_crs(first), first.done) == (["1", "2", "3"], False)
    assert (_crs(second), second.done) == (["4", "5", "6"], False)
    assert (_crs(third), third.done) == (["7"], True)


def test_a_page_that_ends_exactly_at_the_last_company_is_done(seven):
    registry = FileRegistry(seven.path)
    batch = registry.changes_since(None, limit=7)
    assert (_crs(batch), batch.done) == (CHANGE_ORDER, True)
    after = registry.changes_since(batch.next_cursor, limit=7)
    assert (after.companies, after.done, after.next_cursor) == ([], True, batch.next_cursor)


def test_a_sync_resumes_from_a_stored_cursor_in_a_new_process(seven):
    first = FileRegistry(seven.path).changes_since(None, limit=2)
    stored = str(first.next_cursor)  # as saved in the sync state table
    resumed = FileRegistry(seven.path).changes_since(stored, limit=100)
    assert _crs(first) + _crs(resumed) == CHANGE_ORDER
    assert resumed.done


def test_after_a_full_import_only_later_changes_come(seven, company_json):
    registry = FileRegistry(seven.path)
    done = registry.changes_since(None, limit=1000)
    assert done.done

    seven.write([
        company_json(cr, at) for cr, at in [
            ("1", "2024-01-01T00:00:00Z"),
            ("2", "2024-01-15T00:00:00+04:00"),
            ("3", "2024-04-01T09:00:00Z"),  # renamed at the Ministry
            ("4", "2024-02-01T00:00:00Z"),
            ("5", "2024-02-01T00:00:00Z"),
            ("6", "2024-02-15T08:30:00.250000Z"),
            ("7", "2024-03-01T00:00:00Z"),
            ("8", "2024-04-01T09:00:00Z"),  # newly registered
        ]
    ])
    later = registry.changes_since(done.next_cursor)
    assert (_crs(later), later.done) == (["3", "8"], True)


def test_all_companies_walks_every_page(seven):
    registry = FileRegistry(seven.path)
    assert [c.cr_number for c in registry.all_companies(batch_size=2)] == CHANGE_ORDER
    assert [c.cr_number for c in registry.all_companies(batch_size=1000)] == CHANGE_ORDER


def test_an_empty_registry_gives_one_done_batch(registry_file):
    registry_file.write([])
    batch = FileRegistry(registry_file.path).changes_since(None)
    assert (batch.companies, batch.done) == ([], True)
    assert FileRegistry(registry_file.path).changes_since(batch.next_cursor).done


@pytest.mark.parametrize("cursor", [
    "", "not base64!", "bm90IGEgY3Vyc29y",  # base64 of "not a cursor"
    encode_cursor(("2024-01-01", "1")), encode_cursor(("2024-01-01T00:00:00.000000Z", "X")), 42,
])
def test_a_foreign_cursor_is_refused(seven, cursor):
    with pytest.raises(InvalidRegistryQuery):
        FileRegistry(seven.path).changes_since(cursor)


@pytest.mark.parametrize("limit", [0, -1, 10_001, 2.5, True])
def test_a_limit_out_of_range_is_refused(seven, limit):
    with pytest.raises(ValueError):
        FileRegistry(seven.path).changes_since(None, limit=limit)
