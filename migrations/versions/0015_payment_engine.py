"""Payment statuses 'superseded' (another attempt paid the order) and 'duplicate' (an accepted payment
beyond the one that settled its order, to be refunded).

Attempts still pending on orders already paid are closed as superseded: the reconciliation
job keeps asking the gateway about them until it answers.

Revision ID: 0015_payment_engine
Revises: 0003_registry_missing
Create Date: 2026-12-07 05:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_payment_engine"
down_revision = "0003_registry_missing"
branch_labels = None
depends_on = None

BEFORE = ("pending", "accepted", "review", "declined", "cancelled", "error", "expired")
AFTER = (*BEFORE, "superseded", "duplicate")


def _statuses(statuses) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def upgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_constraint("ck_payment_status", type_="check")
        batch_op.create_check_constraint("ck_payment_status", _statuses(AFTER))
    op.execute("UPDATE payment SET status = 'superseded' WHERE status = 'pending' AND order_id IN "
               "(SELECT id FROM service_order WHERE status IN ('paid', 'fulfilled'))")


def downgrade():
    op.execute("UPDATE payment SET status = 'pending' WHERE status = 'superseded'")
    op.execute("UPDATE payment SET status = 'accepted' WHERE status = 'duplicate'")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_constraint("ck_payment_status", type_="check")
        batch_op.create_check_constraint("ck_payment_status", _statuses(BEFORE))
