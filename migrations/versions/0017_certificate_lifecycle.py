"""Certificates revoked or superseded with when and why; companies, memberships and signatories archived
instead of deleted; a reason beside an audited change.

Revision ID: 0017_certificate_lifecycle
Revises: 0016_vouchers
Create Date: 2026-12-07 05:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_certificate_lifecycle"
down_revision = "0016_vouchers"
branch_labels = None
depends_on = None

REVOKE_REASONS = ("issued_in_error", "membership_cancelled", "fraud", "other", "membership_changed", "refunded")


def upgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("revoke_note", sa.String(length=300), nullable=True))
        batch_op.create_check_constraint(
            "ck_certificate_revoke_reason",
            "revoke_reason IS NULL OR revoke_reason IN (" + ", ".join(f"'{r}'" for r in REVOKE_REASONS) + ")")
    for table in ("company", "membership", "signatory"):
        # A plain ADD COLUMN on every backend: nothing to copy, no trigger lost.
        op.add_column(table, sa.Column("archived_at", sa.DateTime(), nullable=True))
    op.add_column("audit_log", sa.Column("reason", sa.String(length=500), nullable=True))


def downgrade():
    op.drop_column("audit_log", "reason")
    for table in ("signatory", "membership", "company"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("archived_at")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint("ck_certificate_revoke_reason", type_="check")
        for column in ("revoke_note", "revoke_reason", "revoked_by", "revoked_at", "superseded_at"):
            batch_op.drop_column(column)
