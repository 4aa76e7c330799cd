"""The keys of the records not archived, for back-office lists' deep pages and counts.

Revision ID: 0020_live_rows
Revises: 0023_back_office_settings
Create Date: 2026-12-07 17:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_live_rows"
down_revision = "0023_back_office_settings"
branch_labels = None
depends_on = None

TABLES = ("company", "signatory", "membership")


def upgrade():
    live = sa.text("archived_at IS NULL")
    for table in TABLES:
        op.create_index(f"ix_{table}_live", table, ["id"], postgresql_where=live, sqlite_where=live)


def downgrade():
    for table in TABLES:
        op.drop_index(f"ix_{table}_live", table_name=table)
