"""Shared fixtures: one migrated database and app per test worker, emptied after every test.

GHURFA_TEST_DB=postgresql runs the database tests on PostgreSQL (a database per worker,
created on the server named by GHURFA_TEST_PG_URL); otherwise SQLite files are used.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Tables whose contents survive between tests: the schema version and FAB's permission catalogue.
KEEP_TABLES = {"alembic_version", "ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
               "ab_permission_view_role"}


from tests.log_guard import LeakGuard, install as _install_log_guard

LOG_GUARD = LeakGuard()
_install_log_guard(LOG_GUARD)


@pytest.fixture(autouse=True)
def _no_secret_in_logs():
    """Every log record of the suite is scanned (tests/log_guard.py): a test during which a
    password, code, configured secret or card number was logged fails."""
    LOG_GUARD.leaks.clear()
    yield
    leaks, LOG_GUARD.leaks[:] = list(LOG_GUARD.leaks), []
    if leaks:
        pytest.fail("secrets in the logs:\n" + "\n".join(leaks), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Tests read the compiled catalogs; rebuild them when a .po file is newer."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "catalog.py"
    spec = importlib.util.spec_from_file_location("catalog_tool", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_catalogs()


def _database_url(tmp_path_factory, worker_id: str) -> str:
    if os.environ.get("GHURFA_TEST_DB") == "postgresql":
        base = make_url(os.environ.get("GHURFA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
        # One database per checkout and worker: several checkouts may share one server.
        checkout = hashlib.sha1(str(Path(__file__).resolve()).encode()).hexdigest()[:8]
        name = f"ghurfa_test_{checkout}_{worker_id}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return base.set(database=name).render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ghurfa.db'}"


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def app(tmp_path_factory, worker_id):
    from app import create_app
    from app.services.setup.bootstrap import prepare_database
    from config import TestConfig

    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=_database_url(tmp_path_factory, worker_id),
        INSTANCE_DIR=str(instance),
        OUTBOX_DIR=str(instance / "outbox"),
    )
    with application.app_context():
        prepare_database(demo=False)
    yield application
    with application.app_context():
        from app.extensions import db

        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_database(request):
    """Every database test starts from reference data only, whatever the one before it did."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    settings = dict(application.config)
    yield
    # A test that changes a setting (today's date, a cap, a gateway) changes it for itself only.
    application.config.clear()
    application.config.update(settings)
    # Rate-limit counters live in the limiter's (memory) storage; every test starts with none.
    from app.extensions import limiter

    limiter.reset()
    # Settings and message texts saved by the test are gone with its tables: so are the cached copies.
    from app.services.settings.store import forget_all

    forget_all(application)
    # The audit chain starts again, so do its signed checkpoints (kept outside the database).
    from app.services.audit.checkpoints import checkpoint_path

    checkpoint_path(application.config).unlink(missing_ok=True)
    # So do the sandbox gateway's records (payments, refunds): a test counts its own.
    from app.adapters.payments.sandbox_ledger import LEDGER_FILE

    for ledger in Path(application.config["INSTANCE_DIR"]).glob(f"**/{LEDGER_FILE}"):
        ledger.unlink()
    # Messages written to the outbox folder belong to the test that sent them: references repeat.
    outbox = Path(application.config["OUTBOX_DIR"])
    if outbox.is_dir():
        for written in outbox.iterdir():
            if written.is_file():
                written.unlink()
    with application.app_context():
        from app.extensions import db
        from app.services.setup.bootstrap import load_reference_data

        db.session.remove()
        reset_tables(db.engine)
        load_reference_data()
        db.session.commit()
        db.session.remove()


def reset_tables(engine) -> None:
    from app.extensions import metadata

    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            return
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for table in tables:
            conn.execute(table.delete())
        conn.execute(text(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        ))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def csrf_for(client, app) -> str:
    """A valid CSRF token for this client's session, as a page would embed it (or a forger who stole it)."""
    import hashlib
    import os as _os

    from itsdangerous import URLSafeTimedSerializer

    with client.session_transaction() as session:
        if "csrf_token" not in session:
            session["csrf_token"] = hashlib.sha1(_os.urandom(64)).hexdigest()
        raw = session["csrf_token"]
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    return serializer.dumps(raw)
