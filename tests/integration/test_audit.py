"""The audit log: every change recorded with before and after, append-only, and tamper-evident."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.services.audit.trail import acting_as, verify_chain
from models import AuditEntry, Company


def _company(**values) -> Company:
    base = {"cr_number": "1229237", "name_en": "promising projects", "name_ar": "المشاريع الواعدة",
            "cr_status": "active"}
    return Company(**{**base, **values})


def test_create_update_delete_are_recorded_with_before_and_after(app):
    with app.app_context(), acting_as("staff-user", 42):
        company = _company()
        db.session.add(company)
        db.session.commit()
        company.name_en = "promising projects LLC"
        db.session.commit()
        db.session.delete(company)
        db.session.commit()
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "company").order_by(AuditEntry.seq)).all()
        assert [e.action for e in entries] == ["create", "update", "delete"]
        assert all(e.actor == "staff-user" and e.user_id == 42 for e in entries)
        assert entries[0].after["cr_number"] == "1229237" and entries[0].before is None
        assert entries[0].entity_id == str(entries[0].after["id"]) == entries[1].entity_id
        assert entries[1].before == {"name_en": "promising projects", "updated_at": entries[1].before["updated_at"]}
        assert entries[1].after["name_en"] == "promising projects LLC"
        assert entries[2].before["name_en"] == "promising projects LLC" and entries[2].after is None
        assert verify_chain(db.session).ok


def test_a_rolled_back_change_leaves_no_audit_row(app):
    with app.app_context():
        before = db.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        db.session.add(_company())
        db.session.flush()
        db.session.rollback()
        after = db.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        assert before == after


def test_the_database_refuses_to_update_or_delete_audit_rows(app):
    with app.app_context():
        db.session.add(_company())
        db.session.commit()
        for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
            with pytest.raises(DatabaseError):
                db.session.execute(text(statement))
                db.session.flush()
            db.session.rollback()


def _tamper(statement: str) -> None:
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))
        conn.execute(text(statement))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text(statement))
        for event in ("UPDATE", "DELETE"):
            conn.execute(text(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"))
    db.session.commit()


def _three_changes():
    company = _company()
    db.session.add(company)
    db.session.commit()
    for name in ("one", "two"):
        company.name_en = name
        db.session.commit()
    return db.session.scalars(select(AuditEntry.seq).where(AuditEntry.entity == "company")
                              .order_by(AuditEntry.seq)).all()


@pytest.mark.parametrize("kind", ["altered", "missing"])
def test_verify_reports_the_first_tampered_or_missing_row_and_exits_non_zero(app, kind):
    with app.app_context():
        seqs = _three_changes()
        target = seqs[1]
        if kind == "altered":
            _tamper(f"UPDATE audit_log SET after = '{{\"name_en\": \"forged\"}}' WHERE seq = {target}")
        else:
            _tamper(f"DELETE FROM audit_log WHERE seq = {target}")
        report = verify_chain(db.session)
        assert not report.ok and report.first_bad_seq == target
        assert report.problem == ("altered" if kind == "altered" else "missing")
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at entry {target}" in result.output


def test_verify_passes_on_an_intact_chain(app):
    with app.app_context():
        _three_changes()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_concurrent_writers_never_fork_the_chain(app):
    import threading

    errors = []

    def writer(i: int) -> None:
        try:
            with app.app_context():
                for j in range(5):
                    db.session.add(_company(cr_number=f"{i}{j:03d}00"))
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(i + 1,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with app.app_context():
        report = verify_chain(db.session)
        assert report.ok
        assert db.session.scalar(select(AuditEntry.seq).where(AuditEntry.entity == "company")
                                 .order_by(AuditEntry.seq.desc()).limit(1)) is not None
