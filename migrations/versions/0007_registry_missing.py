"""Registry flags for CRs the registry no longer lists at all (found by a full sync).

Revision ID: 0003_registry_missing
Revises: 0002_search_indexes
Create Date: 2026-12-03 18:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_registry_missing"
down_revision = "0002_search_indexes"
branch_labels = None
depends_on = None


def _kinds(*kinds: str) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    with op.batch_alter_table("registry_flag", schema=None) as batch_op:
        batch_op.drop_constraint("ck_registry_flag_kind", type_="check")
        batch_op.create_check_constraint("ck_registry_flag_kind", _kinds("cr_cancelled", "cr_expired", "cr_missing"))


def downgrade():
    op.execute("DELETE FROM registry_flag WHERE kind = 'cr_missing'")
    with op.batch_alter_table("registry_flag", schema=None) as batch_op:
        batch_op.drop_constraint("ck_registry_flag_kind", type_="check")
        batch_op.create_check_constraint("ck_registry_flag_kind", _kinds("cr_cancelled", "cr_expired"))
