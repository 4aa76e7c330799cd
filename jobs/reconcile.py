"""Job: ask the payment gateway about payment attempts it has not answered (app/services/payments/reconciliation.py)."""
from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.services.jobs.runs import JobContext
from app.services.payments.gateway import payment_gateway
from app.services.payments.reconciliation import reconcile_payments


def run(ctx: JobContext) -> None:
    ctx.counts.update(reconcile_payments(db.session, current_app.config, payment_gateway()))
