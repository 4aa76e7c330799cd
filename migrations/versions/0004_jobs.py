"""Scheduled jobs: job locks, expiry reminders sent, registry sync state, pending registry changes, registry flags.

Revision ID: 0002_jobs
Revises: 0002_accounts
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_jobs"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_lock",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=80), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("acquired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["membership_id"], ["membership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("membership_id", "offset_days", "expires_on", name="uq_reminder_sent"),
    )
    op.create_table(
        "registry_sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=True),
        sa.Column("full_started_at", sa.DateTime(), nullable=True),
        sa.Column("last_full_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(), nullable=True),
        sa.Column("companies_seen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "registry_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("old_name_en", sa.String(length=200), nullable=True),
        sa.Column("old_name_ar", sa.String(length=200), nullable=True),
        sa.Column("new_name_en", sa.String(length=200), nullable=True),
        sa.Column("new_name_ar", sa.String(length=200), nullable=True),
        sa.Column("old_grade_id", sa.Integer(), nullable=True),
        sa.Column("new_grade_id", sa.Integer(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('name', 'grade')", name="ck_registry_change_kind"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["old_grade_id"], ["grade.id"]),
        sa.ForeignKeyConstraint(["new_grade_id"], ["grade.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registry_change", schema=None) as batch_op:
        batch_op.create_index("ix_registry_change_company_open", ["company_id", "kind", "resolved_at"], unique=False)
        batch_op.create_index("ix_registry_change_unnotified", ["notified_at"], unique=False)
    op.create_table(
        "registry_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=14), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=128), nullable=True),
        sa.CheckConstraint("kind IN ('cr_cancelled', 'cr_expired')", name="ck_registry_flag_kind"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registry_flag", schema=None) as batch_op:
        batch_op.create_index("ix_registry_flag_company_open", ["company_id", "kind", "resolved_at"], unique=False)


def downgrade():
    with op.batch_alter_table("registry_flag", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_flag_company_open")
    op.drop_table("registry_flag")
    with op.batch_alter_table("registry_change", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_change_unnotified")
        batch_op.drop_index("ix_registry_change_company_open")
    op.drop_table("registry_change")
    op.drop_table("registry_sync_state")
    op.drop_table("reminder_sent")
    op.drop_table("job_lock")
