"""Job: sign the certificates left unsigned when signing failed on issue (app/services/certificates/signed.py)."""
from __future__ import annotations

from app.extensions import db
from app.services.certificates.signed import QUEUE_BATCH, sign_queued
from app.services.jobs.runs import JobContext

MAX_BATCHES = 10  # at most 1,000 certificates a run; the rest go next time


def run(ctx: JobContext) -> None:
    for _ in range(MAX_BATCHES):
        signed, failed = sign_queued(db.session, limit=QUEUE_BATCH)
        ctx.add("signed", signed)
        ctx.add("still_queued", failed)
        ctx.heartbeat(signed + failed)
        # A failure means the key or the time-stamping authority is away: try again next run.
        if failed or signed < QUEUE_BATCH:
            return
