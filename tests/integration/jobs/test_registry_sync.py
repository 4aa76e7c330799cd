"""Registry sync: companies and signatories upserted, changes for members, flags for staff, resumable."""
import datetime as dt

import pytest
from sqlalchemy import func, select

import app.services.registry.writer as writer_service
from app.adapters.registry import FileRegistry
from app.extensions import db
from app.services.audit.trail import verify_chain
from app.services.registry.companies import companies_for_signatory
from app.services.registry.sync import pending_changes_for_member, sync_registry
from jobs.scheduler import run_now
from models import AuditEntry, Company, Member, Notification, RegistryChange, RegistryFlag, RegistrySyncState, Signatory
from tests.integration.jobs.factories import make_member, make_membership, set_clock
from tests.integration.jobs.registry_data import company, write_registry


@pytest.fixture
def registry_file(app, tmp_path, monkeypatch):
    path = tmp_path / "registry.json"
    write_registry(path, [
        company("1229237", signatories=("1526575", "7324674")),
        company("1445820", "Sohar Fishing Supplies", "صحار لمستلزمات الصيد", grade="third", signatories=("5550001",)),
        company("1310022", "Batinah Trading", "الباطنة للتجارة", grade="first", signatories=("5550002",)),
    ])
    monkeypatch.setitem(app.config, "REGISTRY_FILE", str(path))
    monkeypatch.setitem(app.config, "REGISTRY_BACKEND", "file")
    set_clock(app, 2026, 3, 1, 10)
    return path


def _companies(app):
    with app.app_context():
        return {c.cr_number: c for c in db.session.scalars(select(Company))}


def _full_then_members(app):
    assert run_now(app, "registry_full_sync").status == "ok"
    with app.app_context():
        ids = {c.cr_number: c.id for c in db.session.scalars(select(Company))}
        for cr, occi, grade in (("1229237", "91868", "fourth"), ("1310022", "104410", "first")):
            make_membership(db.session.get(Company, ids[cr]), occi, dt.date(2026, 9, 1), grade=grade)
        make_member(app, "salim", "1526575")
        make_member(app, "shmoouqa", "7324674", language="ar", mobile="+96892345678")
        db.session.commit()
    return ids


def test_full_import_creates_companies_signatories_and_an_audit_entry_each(app, registry_file):
    result = run_now(app, "registry_full_sync")
    assert result.status == "ok"
    assert (result.counts["created"], result.counts["signatories_added"], result.counts["audited"]) == (3, 4, 1)
    with app.app_context():
        sohar = db.session.scalar(select(Company).where(Company.cr_number == "1445820"))
        assert (sohar.name_en, sohar.registry_grade.code) == ("Sohar Fishing Supplies", "third")
        assert db.session.scalar(select(func.count()).select_from(Signatory)) == 4
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "company")).all()
        assert (entry.actor, entry.action) == ("job:registry_full_sync", "import")
        ids = dict(db.session.execute(select(Company.cr_number, Company.id)).all())
        assert entry.after == {"created": ids}
        assert verify_chain(db.session).ok
        state = db.session.get(RegistrySyncState, 1)
        assert state.cursor and state.last_full_sync_at and state.full_started_at is None
    # Nothing changed at the registry: the next syncs write nothing.
    for name in ("registry_sync", "registry_full_sync"):
        again = run_now(app, name)
        assert again.counts.get("created", 0) == again.counts.get("updated", 0) == again.counts.get("audited", 0) == 0


def test_a_name_change_becomes_a_pending_change_told_once_and_shown_until_applied(app, registry_file):
    ids = _full_then_members(app)
    write_registry(registry_file, [
        company("1229237", "Promising Projects Group", "مجموعة المشاريع الواعدة", updated_at="2026-02-01T08:00:00Z",
                signatories=("1526575", "7324674")),
        company("1445820", "Sohar Fishing Supplies", "صحار لمستلزمات الصيد", grade="third", signatories=("5550001",)),
        company("1310022", "Batinah Trading", "الباطنة للتجارة", grade="first", signatories=("5550002",)),
    ])
    result = run_now(app, "registry_sync")
    assert (result.counts["updated"], result.counts["name_changes"], result.counts["members_told"]) == (1, 1, 4)
    with app.app_context():
        messages = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        assert {m.template for m in messages} == {"registry_name_changed"}
        english = next(m for m in messages if m.channel == "email" and m.language == "en")
        assert "Promising Projects Group" in english.body and "/services/name-change/" in english.body
        arabic = next(m for m in messages if m.channel == "email" and m.language == "ar")
        assert "مجموعة المشاريع الواعدة" in arabic.body
        salim = db.session.scalar(select(Member).where(Member.id_number == "1526575"))
        pending = pending_changes_for_member(db.session, salim)
        assert [(p.kind, p.old_value_en, p.new_value_en, p.service_path) for p in pending] == [
            ("name", "Promising Projects", "Promising Projects Group", "/services/name-change/")]
        company_row = db.session.get(Company, ids["1229237"])
        # The chamber keeps its printed name until the member applies the change.
        assert company_row.name_en == "Promising Projects"
        assert company_row.registry_name_en == "Promising Projects Group"
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                            AuditEntry.entity == "company")).all()
        assert len(audit) == 1 and audit[0].before == {"registry_name_ar": "المشاريع الواعدة",
                                                        "registry_name_en": "Promising Projects",
                                                        "registry_updated_at": "2026-01-08T06:15:00"}
    # Told once: later syncs queue nothing more.
    assert run_now(app, "registry_sync").counts["members_told"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 4
        # Applying the name (what the name change service does) takes it off the dashboard.
        company_row = db.session.get(Company, ids["1229237"])
        company_row.name_en, company_row.name_ar = company_row.registry_name_en, company_row.registry_name_ar
        db.session.commit()
        salim = db.session.scalar(select(Member).where(Member.id_number == "1526575"))
        assert pending_changes_for_member(db.session, salim) == []


def test_a_grade_change_is_pending_for_a_member_company(app, registry_file):
    _full_then_members(app)
    write_registry(registry_file, [
        company("1229237", grade="second", updated_at="2026-02-01T08:00:00Z", signatories=("1526575", "7324674")),
        company("1445820", "Sohar Fishing Supplies", "صحار لمستلزمات الصيد", grade="second",
                updated_at="2026-02-01T08:00:00Z", signatories=("5550001",)),
        company("1310022", "Batinah Trading", "الباطنة للتجارة", grade="first", signatories=("5550002",)),
    ])
    result = run_now(app, "registry_sync")
    # 1445820 has no membership: no grade to change.
    assert (result.counts["updated"], result.counts["grade_changes"]) == (2, 1)
    with app.app_context():
        salim = db.session.scalar(select(Member).where(Member.id_number == "1526575"))
        [pending] = pending_changes_for_member(db.session, salim)
        assert (pending.kind, pending.old_value_en, pending.new_value_en) == ("grade", "Fourth", "Second")
        sms = db.session.scalar(select(Notification).where(Notification.channel == "sms",
                                                           Notification.language == "en"))
        assert "Second" in sms.body
    # The registry goes back to the grade the chamber holds: the change closes itself.
    write_registry(registry_file, [
        company("1229237", grade="fourth", updated_at="2026-02-02T08:00:00Z", signatories=("1526575", "7324674")),
    ])
    assert run_now(app, "registry_sync").counts["changes_resolved"] == 1
    with app.app_context():
        salim = db.session.scalar(select(Member).where(Member.id_number == "1526575"))
        assert pending_changes_for_member(db.session, salim) == []


def test_a_cancelled_cr_is_flagged_once_for_staff(app, registry_file):
    _full_then_members(app)
    cancelled = [company("1310022", "Batinah Trading", "الباطنة للتجارة", grade="first", status="cancelled",
                         updated_at="2026-02-01T08:00:00Z", signatories=("5550002",))]
    write_registry(registry_file, cancelled)
    assert run_now(app, "registry_sync").counts["flags"] == 1
    cancelled[0]["address"], cancelled[0]["updated_at"] = "Sohar", "2026-02-03T08:00:00Z"
    write_registry(registry_file, cancelled)
    assert run_now(app, "registry_sync").counts["flags"] == 0
    with app.app_context():
        [flag] = db.session.scalars(select(RegistryFlag)).all()
        assert (flag.kind, flag.company.cr_number, flag.resolved_at) == ("cr_cancelled", "1310022", None)
    cancelled[0]["status"], cancelled[0]["updated_at"] = "active", "2026-02-04T08:00:00Z"
    write_registry(registry_file, cancelled)
    run_now(app, "registry_sync")
    with app.app_context():
        assert db.session.scalar(select(RegistryFlag.resolved_by)) == "registry"


def test_a_signatory_removed_at_the_registry_loses_access_at_once(app, registry_file):
    _full_then_members(app)
    with app.app_context():
        assert [c.cr_number for c in companies_for_signatory(db.session, "7324674")] == ["1229237"]
    write_registry(registry_file, [company("1229237", updated_at="2026-02-01T08:00:00Z", signatories=("1526575",))])
    result = run_now(app, "registry_sync")
    assert result.counts["signatories_removed"] == 1
    with app.app_context():
        assert companies_for_signatory(db.session, "7324674") == []
        removed = db.session.scalar(select(Signatory).where(Signatory.civil_id == "7324674"))
        assert removed.active is False  # kept for history
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update",
                                                           AuditEntry.entity == "company"))
        assert entry.after["signatories_removed"] == ["7324674"]
    # Listed again later: access comes back.
    write_registry(registry_file, [company("1229237", updated_at="2026-02-05T08:00:00Z",
                                           signatories=("1526575", "7324674"))])
    assert run_now(app, "registry_sync").counts["signatories_added"] == 1
    with app.app_context():
        assert [c.cr_number for c in companies_for_signatory(db.session, "7324674")] == ["1229237"]


class CountingRegistry(FileRegistry):
    def __init__(self, path):
        super().__init__(path)
        self.cursors = []

    def changes_since(self, cursor, limit=1000):
        self.cursors.append(cursor)
        return super().changes_since(cursor, limit)


def test_a_sync_that_crashed_resumes_after_the_last_saved_batch(app, tmp_path, monkeypatch):
    path = tmp_path / "registry.json"
    write_registry(path, [company(f"10000{i}", f"Company {i}", f"شركة {i}", updated_at=f"2026-01-0{i + 1}T06:00:00Z",
                                  signatories=(f"20000{i}",)) for i in range(5)])
    set_clock(app, 2026, 3, 1)
    registry = CountingRegistry(path)
    real_write, calls = writer_service.write_batch, []

    def crash_on_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("lost the database")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(writer_service, "write_batch", crash_on_second_batch)
    with app.app_context():
        with pytest.raises(ConnectionError):
            sync_registry(db.session, registry, app.config, full=True, batch_size=2)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Company)) == 2
        state = db.session.get(RegistrySyncState, 1)
        saved, full_started = state.cursor, state.full_started_at
        assert saved is not None and full_started is not None
        monkeypatch.setattr(writer_service, "write_batch", real_write)
        registry.cursors.clear()
        counts = sync_registry(db.session, registry, app.config, batch_size=2)
        assert registry.cursors[0] == saved  # resumed, not restarted
        assert counts["created"] == 3
        assert db.session.scalar(select(func.count()).select_from(Company)) == 5
        state = db.session.get(RegistrySyncState, 1)
        assert state.full_started_at is None and state.last_full_sync_at is not None
        assert verify_chain(db.session).ok


def test_registry_sync_command_shows_progress(app, registry_file):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["registry", "sync", "--full"])
    assert result.exit_code == 0, result.output
    assert "3 companies" in result.output
    assert len(_companies(app)) == 3


def test_the_dashboard_include_lists_pending_changes_in_the_members_language(app, registry_file):
    from flask import render_template

    _full_then_members(app)
    write_registry(registry_file, [
        company("1229237", "Promising Projects Group", "مجموعة المشاريع الواعدة", grade="third",
                updated_at="2026-02-01T08:00:00Z", signatories=("1526575", "7324674")),
    ])
    run_now(app, "registry_sync")
    with app.test_request_context("/?_l_=ar"):
        member = db.session.scalar(select(Member).where(Member.id_number == "7324674"))
        changes = pending_changes_for_member(db.session, member)
        assert [c.kind for c in changes] == ["name", "grade"]
        html = render_template("portal/_pending_changes.html", pending_changes=changes)
    assert "مجموعة المشاريع الواعدة" in html
    assert 'href="/services/name-change/?company=' in html and 'href="/services/grade-change/?company=' in html
    with app.test_request_context("/"):
        assert render_template("portal/_pending_changes.html", pending_changes=[]).strip() == ""
