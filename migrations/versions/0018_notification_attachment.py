"""Emails that carry a membership certificate: the certificate whose PDF is attached when sent.

Revision ID: 0018_notification_attachment
Revises: 0017_counter_refunds
Create Date: 2026-12-07 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_notification_attachment"
down_revision = "0017_counter_refunds"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certificate_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_notification_certificate_id_certificate", "certificate",
                                    ["certificate_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notification_certificate_id_certificate", type_="foreignkey")
        batch_op.drop_column("certificate_id")
