"""Trigram indexes for the back office's "contains" searches on PostgreSQL (nothing on SQLite).

Flask-AppBuilder's "contains" filter emits ILIKE '%text%', which no btree can serve: at
100,000 companies it is a scan of the whole table. pg_trgm's GIN indexes answer it for
the columns staff search by: company names (English and Arabic), CR number and OCCI number.

Revision ID: 0002_search_indexes
Revises: 0002_services
Create Date: 2026-11-24 18:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_search_indexes"
down_revision = "0002_services"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = (
    ("ix_company_name_en_trgm", "company", "name_en"),
    ("ix_company_name_ar_trgm", "company", "name_ar"),
    ("ix_company_cr_number_trgm", "company", "cr_number"),
    ("ix_membership_occi_number_trgm", "membership", "occi_number"),
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: other objects may have come to depend on it.
