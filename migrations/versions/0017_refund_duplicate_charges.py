"""Refunds of a charge taken twice: refund scope 'duplicate' (a payment flagged as a duplicate,
paid back whole without undoing the service).

Revision ID: 0017_refund_duplicate_charges
Revises: 0022_operations
Create Date: 2026-12-07 14:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_refund_duplicate_charges"
down_revision = "0022_operations"
branch_labels = None
depends_on = None

OPEN_REFUND_WHERE = "status IN ('requested', 'approved', 'pending_gateway')"


def _scopes(scopes) -> str:
    return "scope IN (" + ", ".join(f"'{scope}'" for scope in scopes) + ")"


def _set_scopes(scopes, length: int) -> None:
    # SQLite rebuilds the table; the partial index is made again explicitly so its WHERE is kept.
    op.drop_index("uq_refund_open_per_order", table_name="refund")
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_constraint("ck_refund_scope", type_="check")
        batch_op.alter_column("scope", type_=sa.String(length=length), existing_nullable=False)
        batch_op.create_check_constraint("ck_refund_scope", _scopes(scopes))
    op.create_index("uq_refund_open_per_order", "refund", ["order_id"], unique=True,
                    sqlite_where=sa.text(OPEN_REFUND_WHERE), postgresql_where=sa.text(OPEN_REFUND_WHERE))


def upgrade():
    _set_scopes(("full", "lines", "duplicate"), 12)


def downgrade():
    op.execute("DELETE FROM refund WHERE scope = 'duplicate' AND status IN ('requested', 'rejected')")
    # A duplicate charge already paid back has no place in the older schema: the downgrade stops there.
    _set_scopes(("full", "lines"), 8)
