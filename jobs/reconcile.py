"""Job: ask the payment gateway about orders left pending (app/services/payments/reconciliation.py)."""
from __future__ import annotations

from flask import current_app

from app.adapters.payments import make_gateway
from app.extensions import db
from app.services.jobs.runs import JobContext
from app.services.payments.reconciliation import reconcile_pending_orders


def run(ctx: JobContext) -> None:
    gateway = make_gateway(current_app.config, instance_path=current_app.instance_path)
    ctx.counts.update(reconcile_pending_orders(db.session, current_app.config, gateway))
