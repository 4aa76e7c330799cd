"""Self-service requests: one open request per company and service, and the counter table
that hands out OCCI numbers and request references.

Revision ID: 0002_services
Revises: 0002_jobs
"""
from alembic import op
import sqlalchemy as sa


revision = "0002_services"
down_revision = "0002_jobs"
branch_labels = None
depends_on = None

OPEN_WHERE = "status IN ('draft', 'pending_payment', 'review')"


def upgrade():
    op.create_table(
        "counter",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.CheckConstraint("value >= 0", name="ck_counter_value"),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index(
        "uq_order_open_per_company_service", "service_order", ["company_id", "service"], unique=True,
        sqlite_where=sa.text(OPEN_WHERE), postgresql_where=sa.text(OPEN_WHERE),
    )


def downgrade():
    op.drop_index("uq_order_open_per_company_service", table_name="service_order")
    op.drop_table("counter")
