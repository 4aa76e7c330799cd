"""The auditor's check of the audit chain: verify it and leave the verification itself in the log."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.audit.trail import ChainReport, record, verify_chain


def verify_and_record(session: Session) -> ChainReport:
    """Walks the whole chain, then appends a `verify` entry with the outcome and commits."""
    report = verify_chain(session)
    record(session, "verify", "audit_log", None, {
        "ok": report.ok,
        "checked": report.checked,
        "first_bad_seq": report.first_bad_seq,
        "problem": report.problem,
    })
    session.commit()
    return report
