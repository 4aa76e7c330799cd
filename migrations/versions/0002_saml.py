"""The store of accepted SAML assertions (replay protection across workers).

Revision ID: 0002_saml
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_saml"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saml_assertion",
        sa.Column("assertion_id", sa.String(length=256), nullable=False),
        sa.Column("issuer", sa.String(length=512), nullable=False),
        sa.Column("not_on_or_after", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("assertion_id"),
    )
    with op.batch_alter_table("saml_assertion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saml_assertion_not_on_or_after"), ["not_on_or_after"], unique=False)


def downgrade():
    with op.batch_alter_table("saml_assertion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_assertion_not_on_or_after"))
    op.drop_table("saml_assertion")
