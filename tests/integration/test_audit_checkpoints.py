"""Signed checkpoints of the audit chain: a truncated or rewritten log is caught, and named, by `verify`."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.services.audit import checkpoints as audit_checkpoints
from jobs.scheduler import run_now
from models import AuditEntry, Company, JobRun
from tests.conftest import csrf_from
from tests.integration.helpers import login, make_user
from tests.integration.test_audit import _company, _tamper, _three_changes


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _lines(app) -> list[dict]:
    path = audit_checkpoints.checkpoint_path(app.config)
    return [json.loads(line) for line in path.read_text().splitlines()]


def _head(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))


def test_every_verify_appends_a_signed_checkpoint_chained_to_the_one_before(app):
    with app.app_context():
        _three_changes()
    first = _verify(app)
    assert first.exit_code == 0, first.output
    second = _verify(app)
    assert second.exit_code == 0, second.output
    lines = _lines(app)
    assert [line["reason"] for line in lines] == ["verify", "verify"]
    assert lines[1]["prev"] == lines[0]["sig"] and lines[1]["seq"] == lines[0]["seq"] + 1 == _head(app)
    with app.app_context():
        found = audit_checkpoints.read_checkpoints(app.config)
        assert found.bad_line is None and [c.seq for c in found.checkpoints] == [lines[0]["seq"], lines[1]["seq"]]
        assert db.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == lines[1]["seq"])) == lines[1]["hash"]


def test_a_truncated_log_is_caught_and_the_missing_entries_named(app):
    with app.app_context():
        seqs = _three_changes()
    assert _verify(app).exit_code == 0
    signed = _head(app)
    with app.app_context():
        # A database superuser removes the newest entries with the triggers off: the chain itself still holds.
        _tamper(f"DELETE FROM audit_log WHERE seq > {seqs[0]}")
        from app.services.audit.trail import verify_chain

        assert verify_chain(db.session).ok
    result = _verify(app)
    assert result.exit_code == 1
    assert f"Audit log truncated: entries {seqs[0] + 1} to {signed} are missing" in result.output
    # Nothing is signed over a damaged log.
    assert _lines(app)[-1]["seq"] == signed


def test_a_rewritten_tail_with_fresh_hashes_is_caught(app):
    with app.app_context():
        seqs = _three_changes()
    assert _verify(app).exit_code == 0
    signed = _head(app)
    with app.app_context():
        # The tail is removed and written again: a valid chain of the same length, with other contents.
        _tamper(f"DELETE FROM audit_log WHERE seq > {seqs[0]}")
        company = db.session.scalar(select(Company))
        for name in ("forged one", "forged two", "forged three", "forged four"):
            company.name_en = name
            db.session.commit()
    assert _head(app) > signed
    result = _verify(app)
    assert result.exit_code == 1
    assert f"Audit log rewritten: entries from 1 to {signed} no longer match" in result.output


def test_a_rewrite_after_two_checkpoints_names_the_entries_after_the_last_good_one(app):
    with app.app_context():
        _three_changes()
    assert _verify(app).exit_code == 0
    first_signed = _head(app)
    with app.app_context():
        db.session.add(_company(cr_number="7000001"))
        db.session.commit()
    assert _verify(app).exit_code == 0
    second_signed = _head(app)
    with app.app_context():
        _tamper(f"DELETE FROM audit_log WHERE seq > {first_signed}")
        for number in ("7000002", "7000003"):
            db.session.add(_company(cr_number=number))
            db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"entries from {first_signed + 1} to {second_signed} no longer match" in result.output
    assert f"entries up to {first_signed} match the checkpoints" in result.output


def test_an_edited_checkpoint_file_is_refused(app):
    with app.app_context():
        _three_changes()
    assert _verify(app).exit_code == 0
    path = audit_checkpoints.checkpoint_path(app.config)
    line = json.loads(path.read_text())
    line["seq"] = 1  # moved back, as if the log had been shorter when it was signed
    path.write_text(json.dumps(line) + "\n")
    result = _verify(app)
    assert result.exit_code == 1 and "was altered at line 1" in result.output


def test_the_scheduled_job_checkpoints_the_head_and_refuses_a_truncated_log(app):
    with app.app_context():
        seqs = _three_changes()
    result = run_now(app, "audit_checkpoint")
    assert result.status == "ok" and result.counts["head_seq"] == seqs[-1]
    assert _lines(app)[-1] == {**_lines(app)[-1], "seq": seqs[-1], "reason": "schedule"}
    with app.app_context():
        _tamper(f"DELETE FROM audit_log WHERE seq > {seqs[0]}")
    failed = run_now(app, "audit_checkpoint")
    assert failed.status == "failed" and "audit log truncated" in failed.error
    assert len(_lines(app)) == 1
    with app.app_context():
        assert db.session.get(JobRun, failed.run_id).status == "failed"


def test_an_auditor_checks_a_copy_of_the_file_with_the_public_key_only(app, tmp_path):
    with app.app_context():
        _three_changes()
    assert _verify(app).exit_code == 0
    runner = app.test_cli_runner()
    key = runner.invoke(args=["audit", "public-key"])
    assert key.exit_code == 0 and key.output.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "ghurfa.pem").write_text(key.output)
    copy = tmp_path / "copy.jsonl"
    copy.write_text(audit_checkpoints.checkpoint_path(app.config).read_text())
    checked = runner.invoke(args=["audit", "check-file", str(copy), "--public-key", str(tmp_path / "ghurfa.pem")])
    assert checked.exit_code == 0, checked.output
    assert f"the last: entry {_head(app)}," in checked.output and "(Asia/Muscat)" in checked.output
    copy.write_text(copy.read_text().replace('"reason": "verify"', '"reason": "schedule"'))
    forged = runner.invoke(args=["audit", "check-file", str(copy), "--public-key", str(tmp_path / "ghurfa.pem")])
    assert forged.exit_code == 1 and "line 1 is not a checkpoint signed by this key" in forged.output


def test_the_back_office_verification_names_a_truncation(app, client):
    make_user(app, "auditor1", "Auditor")
    login(client, "auditor1")  # a login is written to the log too (last login, count)
    with app.app_context():
        seqs = _three_changes()
    assert _verify(app).exit_code == 0
    signed = _head(app)
    with app.app_context():
        _tamper(f"DELETE FROM audit_log WHERE seq > {seqs[1]}")
    page = client.get("/auditlogview/list/").get_data(as_text=True)
    html = client.post("/audit-trail/verify", data={"csrf_token": csrf_from(page)},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Audit log truncated: entries {seqs[1] + 1} to {signed} are missing" in html
