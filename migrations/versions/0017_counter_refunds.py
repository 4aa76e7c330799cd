"""The counter (visits with the civil ID card checked, payments taken there, the daily cash-up) and refunds.

Revision ID: 0017_counter_refunds
Revises: 0017_certificate_lifecycle
Create Date: 2026-12-07 05:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_counter_refunds"
down_revision = "0017_certificate_lifecycle"
branch_labels = None
depends_on = None

METHODS = "('cash', 'cheque', 'transfer', 'card_terminal')"
OPEN_REFUND_WHERE = "status IN ('requested', 'approved', 'pending_gateway')"


def upgrade():
    op.create_table(
        "counter_visit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id"), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("service_order.id"), nullable=True, unique=True),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("civil_id", sa.String(length=20), nullable=False),
        sa.Column("signatory_id", sa.Integer(), sa.ForeignKey("signatory.id"), nullable=True),
        sa.Column("id_card_checked", sa.Boolean(), nullable=False),
        sa.Column("served_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=False),
        sa.Column("served_by", sa.String(length=128), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("contact_mobile", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
    )
    op.create_index("ix_counter_visit_company_id", "counter_visit", ["company_id"])
    op.create_table(
        "counter_payment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("payment_id", sa.Integer(), sa.ForeignKey("payment.id"), nullable=False, unique=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("service_order.id"), nullable=False),
        sa.Column("method", sa.String(length=14), nullable=False),
        sa.Column("cheque_number", sa.String(length=30), nullable=True),
        sa.Column("bank", sa.String(length=80), nullable=True),
        sa.Column("transfer_reference", sa.String(length=60), nullable=True),
        sa.Column("terminal_reference", sa.String(length=60), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("received_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=False),
        sa.Column("received_by", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("receipt_token", sa.String(length=64), nullable=False, unique=True),
        sa.CheckConstraint(f"method IN {METHODS}", name="ck_counter_payment_method"),
        sa.CheckConstraint("card_last4 IS NULL OR length(card_last4) = 4", name="ck_counter_payment_last4"),
    )
    op.create_index("ix_counter_payment_order_id", "counter_payment", ["order_id"])
    op.create_index("ix_counter_payment_business_day", "counter_payment", ["business_day"])
    op.create_table(
        "refund",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(length=24), nullable=False, unique=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("service_order.id"), nullable=False),
        sa.Column("payment_id", sa.Integer(), sa.ForeignKey("payment.id"), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("line_ids", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=300), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("payout_reference", sa.String(length=60), nullable=True),
        sa.Column("gateway_refund_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("refunded_at", sa.DateTime(), nullable=True),
        sa.Column("credit_note_number", sa.String(length=24), nullable=True, unique=True),
        sa.Column("rollback", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_refund_amount"),
        sa.CheckConstraint("status IN ('requested', 'rejected', 'approved', 'pending_gateway', 'refunded', 'failed')",
                           name="ck_refund_status"),
        sa.CheckConstraint("scope IN ('full', 'lines')", name="ck_refund_scope"),
        sa.CheckConstraint("method IS NULL OR method IN ('gateway', 'cash', 'transfer')", name="ck_refund_method"),
    )
    op.create_index("ix_refund_order_id", "refund", ["order_id"])
    op.create_index("uq_refund_open_per_order", "refund", ["order_id"], unique=True,
                    sqlite_where=sa.text(OPEN_REFUND_WHERE), postgresql_where=sa.text(OPEN_REFUND_WHERE))
    op.create_table(
        "cash_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=False),
        sa.Column("staff", sa.String(length=128), nullable=False),
        sa.Column("method", sa.String(length=14), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("service_order.id"), nullable=False),
        sa.Column("counter_payment_id", sa.Integer(), sa.ForeignKey("counter_payment.id"), nullable=True),
        sa.Column("refund_id", sa.Integer(), sa.ForeignKey("refund.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"method IN {METHODS}", name="ck_cash_entry_method"),
    )
    op.create_index("ix_cash_entry_day_staff", "cash_entry", ["business_day", "staff_id"])
    op.create_table(
        "cash_up",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=False),
        sa.Column("closed_by", sa.String(length=128), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.UniqueConstraint("business_day", name="uq_cash_up_day"),
    )


def downgrade():
    op.drop_table("cash_up")
    op.drop_index("ix_cash_entry_day_staff", table_name="cash_entry")
    op.drop_table("cash_entry")
    op.drop_index("uq_refund_open_per_order", table_name="refund")
    op.drop_index("ix_refund_order_id", table_name="refund")
    op.drop_table("refund")
    op.drop_index("ix_counter_payment_business_day", table_name="counter_payment")
    op.drop_index("ix_counter_payment_order_id", table_name="counter_payment")
    op.drop_table("counter_payment")
    op.drop_index("ix_counter_visit_company_id", table_name="counter_visit")
    op.drop_table("counter_visit")
