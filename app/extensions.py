"""Unbound Flask extensions; each is bound to an app inside create_app() (migrations when a command needs them)."""
from pathlib import Path

from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

db = SQLA()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Every Ghurfa table lives in Flask-AppBuilder's metadata, beside its security tables,
# so one Alembic history covers both.
metadata = Model.metadata

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def bind_migrations(app) -> None:
    """Flask-Migrate bound to the app, for `flask db …`, `flask ghurfa init` and run.py.

    Bound when first needed rather than in create_app(): Flask-Migrate brings Alembic and Mako,
    about 8 MB that a web worker never uses.
    """
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIR))


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # SQLite enforces foreign keys only when asked, per connection; busy_timeout makes a
    # connection wait up to 10 s for another's write lock instead of failing at once.
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def install_engine_hooks() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
