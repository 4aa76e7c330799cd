"""A full sync flags for staff each company the registry no longer lists; listed again, the flag closes."""
from sqlalchemy import select

from app.extensions import db
from app.services.audit.trail import verify_chain
from jobs.scheduler import run_now
from models import AuditEntry, Company, RegistryFlag
from tests.integration.helpers import login, make_user
from tests.integration.jobs.factories import set_clock
from tests.integration.jobs.registry_data import company, write_registry

BATINAH = ("1310022", "Batinah Trading", "الباطنة للتجارة")


def _registry(app, tmp_path, monkeypatch):
    path = tmp_path / "registry.json"
    monkeypatch.setitem(app.config, "REGISTRY_FILE", str(path))
    monkeypatch.setitem(app.config, "REGISTRY_BACKEND", "file")
    set_clock(app, 2026, 3, 1, 10)
    return path


def _flags(app):
    with app.app_context():
        return [(f.kind, f.company.cr_number, f.resolved_by)
                for f in db.session.scalars(select(RegistryFlag).order_by(RegistryFlag.id))]


def test_a_company_the_full_feed_no_longer_lists_is_flagged_once_and_closed_when_listed_again(app, client, tmp_path,
                                                                                               monkeypatch):
    path = _registry(app, tmp_path, monkeypatch)
    sohar = company("1445820", "Sohar Fishing Supplies", "صحار لمستلزمات الصيد", signatories=("5550001",))
    batinah = company(*BATINAH, signatories=("5550002",))
    write_registry(path, [sohar, batinah])
    assert run_now(app, "registry_full_sync").counts["missing"] == 0

    write_registry(path, [sohar])
    # An incremental sync reads only what changed: it cannot tell what is missing.
    assert "missing" not in run_now(app, "registry_sync").counts
    counts = run_now(app, "registry_full_sync").counts
    assert (counts["missing"], counts["missing_flagged"]) == (1, 1)
    assert run_now(app, "registry_full_sync").counts["missing_flagged"] == 0  # still missing, already flagged
    assert _flags(app) == [("cr_missing", "1310022", None)]
    with app.app_context():
        batinah_id = db.session.scalar(select(Company.id).where(Company.cr_number == BATINAH[0]))
        flagged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "flag")).all()
        assert [entry.after for entry in flagged] == [{"cr_missing": {str(batinah_id): BATINAH[0]}}]  # once
        assert verify_chain(db.session).ok
        entry_id = flagged[0].id
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")
    assert BATINAH[0] in client.get(f"/auditlogview/show/{entry_id}").get_data(as_text=True)

    batinah["updated_at"] = "2026-02-01T08:00:00Z"
    write_registry(path, [sohar, batinah])
    run_now(app, "registry_sync")
    assert _flags(app) == [("cr_missing", "1310022", "registry")]


def test_an_empty_feed_is_taken_for_a_registry_fault_and_flags_nothing(app, tmp_path, monkeypatch):
    path = _registry(app, tmp_path, monkeypatch)
    write_registry(path, [company(*BATINAH, signatories=("5550002",))])
    run_now(app, "registry_full_sync")
    write_registry(path, [])
    counts = run_now(app, "registry_full_sync").counts
    assert (counts["missing"], counts["missing_flagged"]) == (1, 0)
    assert _flags(app) == []


def test_staff_read_the_flag_in_their_language(app, client, tmp_path, monkeypatch):
    path = _registry(app, tmp_path, monkeypatch)
    write_registry(path, [company(*BATINAH, signatories=("5550002",)),
                          company("1445820", "Sohar Fishing Supplies", "صحار لمستلزمات الصيد")])
    run_now(app, "registry_full_sync")
    write_registry(path, [company("1445820", "Sohar Fishing Supplies", "صحار لمستلزمات الصيد")])
    run_now(app, "registry_full_sync")
    with app.app_context():
        flag_id = db.session.scalar(select(RegistryFlag.id))
    make_user(app, "staffer", "Staff")
    login(client, "staffer")
    english = client.get(f"/registryflagview/show/{flag_id}").get_data(as_text=True)
    assert "CR no longer listed at the registry" in english
    assert "The commercial registry no longer lists this CR." in english
    client.get("/lang/ar")
    arabic = client.get(f"/registryflagview/show/{flag_id}").get_data(as_text=True)
    assert "السجل التجاري لم يعد مدرجًا لدى السجل" in arabic and "لم يعد السجل التجاري يُدرج هذا السجل." in arabic
