"""Job: sign a checkpoint of the audit chain's head, after checking the head against the checkpoints before it."""
from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.services.audit import checkpoints as audit_checkpoints
from app.services.jobs.runs import JobContext


class AuditChainDisagrees(RuntimeError):
    """The audit log no longer matches a signed checkpoint: no new checkpoint is written over it."""


def run(ctx: JobContext) -> None:
    finding, written = audit_checkpoints.checkpoint_head(db.session, current_app.config, reason="schedule")
    db.session.rollback()  # read only: ends the transaction the check opened
    if not finding.ok:
        if finding.problem == "bad checkpoint file":
            raise AuditChainDisagrees(f"the checkpoint file was altered at line {finding.bad_line}")
        raise AuditChainDisagrees(
            f"audit log {finding.problem}: entries {finding.first_bad_seq} to {finding.last_bad_seq} do not match the "
            f"checkpoint of {finding.checkpoint.at_muscat}; run `flask audit verify`")
    ctx.add("checkpoints", 1 if written else 0)
    ctx.add("head_seq", written.seq if written else 0)
