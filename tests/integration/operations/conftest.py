"""A private PostgreSQL (and app on it) per test module, for tests that stop and start the database."""
from __future__ import annotations

import pytest

from tests.integration.operations.servers import PrivatePostgres, postgres_bin


@pytest.fixture(scope="module")
def private_pg():
    if postgres_bin() is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


def build_app(database_url: str, instance, **overrides):
    from app import create_app
    from app.services.setup.bootstrap import prepare_database
    from config import TestConfig

    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=str(instance),
                             OUTBOX_DIR=str(instance / "outbox"), **overrides)
    with application.app_context():
        prepare_database(demo=False)
    return application


@pytest.fixture(scope="module")
def pg_app(private_pg, tmp_path_factory):
    application = build_app(private_pg.createdb("ghurfa"), tmp_path_factory.mktemp("instance"))
    yield application
    with application.app_context():
        from app.extensions import db

        db.engine.dispose()
