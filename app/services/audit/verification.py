"""The auditor's check of the audit chain: walk it, hold it against the signed checkpoints, leave the
verification itself in the log, and sign a new checkpoint of the head when all is well."""
from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from sqlalchemy.orm import Session

from app.services.audit import checkpoints as audit_checkpoints
from app.services.audit.trail import ChainReport, record, verify_chain


def check(session: Session, config: Mapping) -> ChainReport:
    """The chain's own hashes first; when they hold, every signed checkpoint against the chain."""
    report = verify_chain(session)
    if not report.ok:
        return report
    finding = audit_checkpoints.compare(session, audit_checkpoints.read_checkpoints(config), report.checked)
    if finding.ok:
        return report
    return ChainReport(False, finding.intact_up_to, finding.first_bad_seq, finding.problem,
                       last_bad_seq=finding.last_bad_seq,
                       checkpoint_at=finding.checkpoint.at_muscat if finding.checkpoint else None,
                       bad_line=finding.bad_line)


def verify_and_record(session: Session, config: Mapping | None = None) -> ChainReport:
    """Checks the chain, appends a `verify` entry with the outcome, commits, and (when intact)
    signs a checkpoint of the new head, the `verify` entry included."""
    config = config if config is not None else current_app.config
    report = check(session, config)
    details = {"ok": report.ok, "checked": report.checked, "first_bad_seq": report.first_bad_seq,
               "problem": report.problem}
    details.update({name: value for name, value in (("last_bad_seq", report.last_bad_seq),
                                                   ("checkpoint_at", report.checkpoint_at),
                                                   ("bad_line", report.bad_line)) if value is not None})
    record(session, "verify", "audit_log", None, details)
    session.commit()
    if report.ok:
        seq, entry_hash = audit_checkpoints.chain_head(session)
        audit_checkpoints.write_checkpoint(config, seq, entry_hash, "verify")
    return report
