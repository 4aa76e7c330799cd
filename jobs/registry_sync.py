"""Jobs: incremental and full synchronisation with the commercial registry (app/services/registry/sync.py)."""
from __future__ import annotations

from flask import current_app

from app.adapters.registry import make_registry
from app.extensions import db
from app.services.jobs.runs import JobContext
from app.services.registry.sync import sync_registry


def run_incremental(ctx: JobContext) -> None:
    _run(ctx, full=False)


def run_full(ctx: JobContext) -> None:
    _run(ctx, full=True)


def _run(ctx: JobContext, full: bool) -> None:
    registry = make_registry(current_app.config)
    ctx.counts.update(sync_registry(db.session, registry, current_app.config, full=full, heartbeat=ctx.heartbeat))
