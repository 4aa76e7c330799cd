"""Chamber settings and message template versions edited in the back office.

Revision ID: 0023_back_office_settings
Revises: 0021_certificate_signatures
Create Date: 2026-12-07 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_back_office_settings"
down_revision = "0021_certificate_signatures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chamber_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["ab_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "message_template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="ck_message_template_channel"),
        sa.CheckConstraint("language IN ('en', 'ar')", name="ck_message_template_language"),
        sa.ForeignKeyConstraint(["created_by_id"], ["ab_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("template", "channel", "language", "version", name="uq_message_template_version"),
    )
    op.create_index("ix_message_template_lookup", "message_template_version",
                    ["template", "channel", "language", "active"])


def downgrade():
    op.drop_index("ix_message_template_lookup", table_name="message_template_version")
    op.drop_table("message_template_version")
    op.drop_table("chamber_setting")
