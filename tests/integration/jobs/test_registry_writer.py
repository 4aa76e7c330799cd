"""Registry sync writers: batches written side by side (PostgreSQL) are sealed in feed order, a company
listed in two batches is compared only once the first is written, and a failure leaves the cursor after
the last batch sealed. On SQLite the same tests run the in-line writer."""
import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

import app.services.registry.sync as sync_service
import app.services.registry.writer as writer_service
from app.adapters.registry import ChangeBatch, CommercialRegistry
from app.adapters.registry.records import company_from_json
from app.extensions import db
from app.services.audit.trail import verify_chain
from app.services.registry.sync import sync_registry
from models import AuditEntry, Company, RegistryChange, RegistrySyncState
from tests.integration.jobs.factories import make_membership, set_clock
from tests.integration.jobs.registry_data import company


class PagedRegistry(CommercialRegistry):
    """A registry feed served as fixed pages (the cursor is the next page's number)."""

    def __init__(self, pages: list[list[dict]]) -> None:
        self.pages = [[company_from_json(item) for item in page] for page in pages]

    def companies_for_civil_id(self, civil_id):
        return [c for page in self.pages for c in page if civil_id in {s.civil_id for s in c.signatories}]

    def company(self, cr_number):
        return next((c for page in self.pages for c in page if c.cr_number == cr_number), None)

    def changes_since(self, cursor, limit=1000):
        number = int(cursor or 0)
        return ChangeBatch(self.pages[number], str(number + 1), number + 1 == len(self.pages))


def _pages(count: int, per_page: int = 3) -> list[list[dict]]:
    return [[company(f"{200000 + p * 10 + i}", f"Company {p}-{i}", f"شركة {p}-{i}",
                     updated_at=f"2026-01-{p + 1:02d}T06:00:00Z", signatories=(f"{3000000 + p * 10 + i}",))
             for i in range(per_page)] for p in range(count)]


def _imported_in_audit_order() -> list[set[str]]:
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.seq))
    return [set(entry.after["created"]) for entry in entries]


def test_a_batch_written_first_waits_for_its_turn_to_be_sealed(app, monkeypatch):
    set_clock(app, 2026, 3, 1)
    pages = _pages(4)
    second_written = threading.Event()
    real_write = writer_service.write_batch

    def write(session, plan):
        first = "200000" in plan.cr_numbers
        if first and threading.current_thread().name.startswith("registry-writer"):
            # Side by side: the second batch is written before the first (the wait is bounded).
            second_written.wait(5)
        ids = real_write(session, plan)
        if "200010" in plan.cr_numbers:
            second_written.set()
        return ids

    monkeypatch.setattr(writer_service, "write_batch", write)
    with app.app_context():
        counts = sync_registry(db.session, PagedRegistry(pages), app.config, full=True)
        assert counts["created"] == 12 and counts["batches"] == 4
        assert _imported_in_audit_order() == [{c["cr_number"] for c in page} for page in pages]
        assert verify_chain(db.session).ok
        state = db.session.get(RegistrySyncState, 1)
        assert (state.cursor, state.companies_seen, state.full_started_at) == ("4", 12, None)


def test_a_company_listed_again_is_compared_after_its_first_batch_is_written(app, monkeypatch):
    set_clock(app, 2026, 3, 1)
    first = company("1229237", "Promising Projects", "المشاريع الواعدة", updated_at="2026-01-01T06:00:00Z")
    with app.app_context():
        sync_registry(db.session, PagedRegistry([[first]]), app.config, full=True)
        make_membership(db.session.scalar(select(Company)), "91868", dt.date(2026, 9, 1))
        db.session.commit()
    renamed = company("1229237", "Promising Projects Group", "مجموعة المشاريع الواعدة", updated_at="2026-02-01T06:00:00Z")
    renamed_again = company("1229237", "Promising Holdings", "القابضة الواعدة", updated_at="2026-02-02T06:00:00Z")
    events = []
    real_plan, real_seal = sync_service.plan_batch, writer_service.write_and_seal

    def plan(session, records, *args):
        events.append(("compare", records[0].name_en))
        return real_plan(session, records, *args)

    def seal(session, plan, *args, **kwargs):
        counts = real_seal(session, plan, *args, **kwargs)
        events.append(("sealed", next(iter(plan.companies.values())).record.name_en))
        return counts

    monkeypatch.setattr(sync_service, "plan_batch", plan)
    monkeypatch.setattr(writer_service, "write_and_seal", seal)
    with app.app_context():
        counts = sync_registry(db.session, PagedRegistry([[renamed], [renamed_again]]), app.config, full=True)
        assert events == [("compare", "Promising Projects Group"), ("sealed", "Promising Projects Group"),
                          ("compare", "Promising Holdings"), ("sealed", "Promising Holdings")]
        assert (counts["name_changes"], counts["updated"]) == (2, 2)
        changes = db.session.scalars(select(RegistryChange).order_by(RegistryChange.id)).all()
        # The first rename was replaced by the second before anyone applied it: only the latest is open.
        assert [(c.old_name_en, c.new_name_en, c.resolved_at is None) for c in changes] == [
            ("Promising Projects", "Promising Projects Group", False),
            ("Promising Projects", "Promising Holdings", True),
        ]


@pytest.mark.parametrize("failing_page", [0, 2])
def test_after_a_failure_the_cursor_stays_after_the_last_batch_sealed(app, monkeypatch, failing_page):
    set_clock(app, 2026, 3, 1)
    pages = _pages(5)
    failing = {c["cr_number"] for c in pages[failing_page]}
    real_write = writer_service.write_batch

    def write(session, plan):
        if plan.cr_numbers == failing:
            raise ConnectionError("lost the database")
        return real_write(session, plan)

    monkeypatch.setattr(writer_service, "write_batch", write)
    with app.app_context():
        with pytest.raises(ConnectionError):
            sync_registry(db.session, PagedRegistry(pages), app.config, full=True)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Company)) == 3 * failing_page
        assert db.session.get(RegistrySyncState, 1).cursor == (str(failing_page) if failing_page else None)
        assert verify_chain(db.session).ok
