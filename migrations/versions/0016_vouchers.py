"""Vouchers limited by service, grade and company; their redemptions, reserved when an order is placed.

Revision ID: 0016_vouchers
Revises: 0015_payment_engine
Create Date: 2026-12-07 05:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_vouchers"
down_revision = "0015_payment_engine"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("voucher", schema=None) as batch_op:
        batch_op.add_column(sa.Column("times_reserved", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("services", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("grades", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("once_per_company", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_check_constraint("ck_voucher_reserved", "times_reserved >= 0")
    op.create_table(
        "voucher_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("company_key", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('reserved', 'used', 'released')", name="ck_voucher_redemption_status"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["service_order.id"]),
        sa.ForeignKeyConstraint(["voucher_id"], ["voucher.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id"),
        sa.UniqueConstraint("voucher_id", "company_key", name="uq_voucher_redemption_company"),
    )
    with op.batch_alter_table("voucher_redemption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_redemption_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voucher_redemption_voucher_id"), ["voucher_id"], unique=False)
    # Uses already counted stay counted; every past paid order with a voucher becomes a redemption.
    op.execute(
        "INSERT INTO voucher_redemption (voucher_id, order_id, company_id, status, discount, used_at,"
        " created_at, updated_at)"
        " SELECT o.voucher_id, o.id, o.company_id, 'used',"
        " COALESCE((SELECT -SUM(l.amount) FROM order_line l WHERE l.order_id = o.id AND l.kind = 'voucher'), 0),"
        " o.paid_at, o.created_at, o.updated_at"
        " FROM service_order o WHERE o.voucher_id IS NOT NULL AND o.status IN ('paid', 'fulfilled')"
    )


def downgrade():
    with op.batch_alter_table("voucher_redemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_redemption_voucher_id"))
        batch_op.drop_index(batch_op.f("ix_voucher_redemption_company_id"))
    op.drop_table("voucher_redemption")
    with op.batch_alter_table("voucher", schema=None) as batch_op:
        batch_op.drop_constraint("ck_voucher_reserved", type_="check")
        batch_op.drop_column("once_per_company")
        batch_op.drop_column("grades")
        batch_op.drop_column("services")
        batch_op.drop_column("times_reserved")
