"""The database stops under a running app and starts again: pages answer a styled 503 in the
reader's language with Retry-After and the request id, /readyz says not ready, a request cut
off mid-transaction ends cleanly, and the app recovers by itself when the database is back."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text


@pytest.fixture(scope="module")
def pg_app(private_pg, tmp_path_factory):
    """The module's app, with a view whose database dies between two statements."""
    from app.extensions import db
    from models import Governorate
    from tests.integration.operations.conftest import build_app

    application = build_app(private_pg.createdb("outage"), tmp_path_factory.mktemp("instance"))

    def dying_view():
        db.session.execute(insert(Governorate).values(code="midway", name_en="Midway", name_ar="منتصف"))
        private_pg.stop()
        db.session.execute(text("SELECT 1"))
        return "unreachable"

    application.add_url_rule("/test-dying-view", "dying_view", dying_view)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_pages_answer_styled_503_while_the_database_is_down_and_recover(pg_app, private_pg):
    client = pg_app.test_client()
    assert client.get("/readyz").status_code == 200
    assert client.get("/verify/").status_code in (200, 302)
    private_pg.stop()
    try:
        reader = pg_app.test_client()  # an Arabic reader's first visit
        page = reader.get("/login/", headers={"Accept-Language": "ar", "X-Request-Id": "quoted-by-member-1"})
        assert page.status_code == 503
        assert page.headers["Retry-After"].isdigit()
        html = page.get_data(as_text=True)
        assert 'dir="rtl"' in html and "quoted-by-member-1" in html
        assert "الخدمة غير متاحة مؤقتاً" in html
        assert "Traceback" not in html and "OperationalError" not in html and "psycopg" not in html
        english = client.get("/", headers={"Accept-Language": "en"})
        assert english.status_code == 503
        assert "Service temporarily unavailable" in english.get_data(as_text=True)
        request_id = english.headers["X-Request-Id"]
        assert request_id in english.get_data(as_text=True)
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json == {"status": "not ready"}
        assert client.get("/healthz").status_code == 200
    finally:
        private_pg.start()
    # No restart of the app: the pool throws away the dead connections and opens new ones.
    assert client.get("/readyz").status_code == 200
    assert client.get("/login/").status_code == 200


def test_a_transaction_cut_off_by_the_database_dying_ends_without_pending_rollback(pg_app, private_pg):
    from app.extensions import db
    from models import Governorate

    with pg_app.app_context():
        # A write noted by the back-office cache's listeners, then the database dies mid-transaction.
        db.session.execute(insert(Governorate).values(code="cutoff", name_en="Cut off", name_ar="منقطع"))
        private_pg.stop()
        try:
            with pytest.raises(Exception) as failure:
                db.session.execute(text("SELECT 1"))
            assert "PendingRollback" not in type(failure.value).__name__
            db.session.rollback()  # what teardown does: this raised PendingRollbackError before
            db.session.remove()
        finally:
            private_pg.start()
        assert db.session.scalar(select(Governorate.code).where(Governorate.code == "cutoff")) is None
        db.session.remove()


def test_a_request_cut_off_mid_transaction_answers_503_then_recovers(pg_app, private_pg):
    """A view whose database dies between two statements: 503 page, teardown clean, next request fine."""
    client = pg_app.test_client()
    try:
        response = client.get("/test-dying-view")
        assert response.status_code == 503
        assert response.headers.get("X-Request-Id")
    finally:
        private_pg.start()
    assert client.get("/readyz").status_code == 200


def test_a_worker_started_while_the_database_is_down_serves_once_it_is_back(pg_app, private_pg, tmp_path):
    from app import create_app
    from config import TestConfig

    private_pg.stop()
    try:
        late = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=pg_app.config["SQLALCHEMY_DATABASE_URI"],
                          INSTANCE_DIR=str(tmp_path), OUTBOX_DIR=str(tmp_path / "outbox"))
        client = late.test_client()
        assert client.get("/login/").status_code == 503
    finally:
        private_pg.start()
    assert client.get("/login/").status_code == 200
    with late.app_context():
        from app.extensions import db

        db.engine.dispose()
