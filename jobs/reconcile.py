"""Job: ask the payment gateway about payment attempts it has not answered (app/services/payments/reconciliation.py)."""
from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.services.jobs.runs import JobContext
from app.infrastructure.clock import now_utc, today
from app.services.payments.gateway import payment_gateway
from app.services.payments.reconciliation import reconcile_payments
from app.services.refunds.execution import gateway_factory, retry_pending_refunds


def run(ctx: JobContext) -> None:
    config = current_app.config
    gateway = payment_gateway()
    ctx.counts.update(reconcile_payments(db.session, config, gateway))
    # Refunds a gateway failed or timed out on are tried again, never twice (app/services/refunds).
    refunds = retry_pending_refunds(db.session, config, gateway_factory(config, gateway),
                                    now=now_utc(config), today=today(config))
    ctx.counts.update({key: value for key, value in refunds.items() if value})
