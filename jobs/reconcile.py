"""Job: ask the payment gateway about orders left pending, and retry refunds pending at the gateway."""
from __future__ import annotations

from flask import current_app

from app.adapters.payments import make_gateway
from app.extensions import db
from app.services.jobs.runs import JobContext
from app.infrastructure.clock import now_utc, today
from app.services.payments.reconciliation import reconcile_pending_orders
from app.services.refunds.execution import gateway_factory, retry_pending_refunds


def run(ctx: JobContext) -> None:
    gateway = make_gateway(current_app.config, instance_path=current_app.instance_path)
    ctx.counts.update(reconcile_pending_orders(db.session, current_app.config, gateway))
    # Refunds a gateway failed or timed out on are tried again, never twice (app/services/refunds).
    config = current_app.config
    refunds = retry_pending_refunds(db.session, config, gateway_factory(config, current_app.instance_path),
                                    now=now_utc(config), today=today(config))
    ctx.counts.update({key: value for key, value in refunds.items() if value})
