"""Backups restore: a database with orders, payments, certificates and audit entries is dumped
with deploy/backup.sh, restored into a fresh database with deploy/restore.sh, and there the
audit chain verifies, the checkpoint is found, and every certificate still verifies."""
from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import AuditEntry, Certificate, Payment, ServiceOrder
from tests.integration.operations.conftest import build_app
from tests.integration.operations.flask_process import ROOT, flask_env
from tests.integration.operations.servers import PrivatePostgres, postgres_bin

from .helpers import choose_membership, confirm, deliver, pay_on_sandbox, post_form, text

# It runs on its own PostgreSQL whatever the suite's database: the PostgreSQL pass would repeat it.
pytestmark = pytest.mark.skipif(os.environ.get("GHURFA_TEST_DB") == "postgresql",
                                reason="already run on a private PostgreSQL in the first pass")


@pytest.fixture(scope="module")
def private_pg():
    if postgres_bin() is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


@pytest.fixture(scope="module")
def app(private_pg, tmp_path_factory):
    """This module's app lives on the private server, whatever database the suite runs on."""
    application = build_app(private_pg.createdb("live"), tmp_path_factory.mktemp("instance"))
    yield application
    with application.app_context():
        db.engine.dispose()


def _renew_and_replace(app, client) -> None:
    choose_membership(client, app, "/services/renewal", "1445820", "91868", "7324674")
    assert post_form(client, "/services/renewal/period", {"months": "12", "voucher_code": "",
                                                           "step": "continue"}).status_code == 302
    assert deliver(client, pay_on_sandbox(client, text(confirm(client, "/services/renewal")))).status_code == 303
    choose_membership(client, app, "/services/replacement", "1445820", "91868", "7324674")
    assert deliver(client, pay_on_sandbox(client, text(confirm(client, "/services/replacement")))).status_code == 303


def _counts(application) -> dict[str, int]:
    with application.app_context():
        found = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                 for model in (ServiceOrder, Payment, Certificate, AuditEntry)}
        db.session.remove()
    return found


def _tools_env(app, private_pg, **settings) -> dict[str, str]:
    env = flask_env(app, **settings)
    env["PATH"] = f"{private_pg.bin}:{env.get('PATH', '')}"
    env["FLASK"] = str(ROOT / ".venv" / "bin" / "flask")
    return env


def _instance_files(folder) -> set[str]:
    from pathlib import Path

    root = Path(folder)
    return {str(path.relative_to(root)).split("/")[0] for path in root.rglob("*") if path.is_file()}


def test_a_backup_restores_with_its_audit_chain_and_certificates(app, hashmi, private_pg, tmp_path):
    _renew_and_replace(app, hashmi)
    before = _counts(app)
    assert before["service_order"] == 2 and before["payment"] == 2 and before["certificate"] == 2
    assert before["audit_log"] > 10
    with app.app_context():
        certificates = {c.verify_token: c.serial for c in db.session.scalars(select(Certificate))}
        db.session.remove()

    backup = subprocess.run(["bash", "deploy/backup.sh", str(tmp_path / "backups")], cwd=ROOT, text=True,
                            capture_output=True, env=_tools_env(app, private_pg), timeout=120)
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip().splitlines()[-1]
    assert sorted(os.listdir(folder)) == ["SHA256SUMS", "audit-checkpoint.txt", "database.dump", "instance.tar.gz"]

    fresh_url = private_pg.createdb("restored")
    restored_instance = tmp_path / "restored-instance"
    env = _tools_env(app, private_pg, DATABASE_URL=fresh_url, GHURFA_INSTANCE_DIR=str(restored_instance))
    restore = subprocess.run(["bash", "deploy/restore.sh", folder], cwd=ROOT, text=True, capture_output=True,
                             env=env, timeout=180)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert f"Audit log intact: {before['audit_log']} entries checked" in restore.stdout
    assert _instance_files(app.instance_path) - {"outbox"} <= _instance_files(restored_instance)

    # Restoring over a database that is not empty is refused.
    again = subprocess.run(["bash", "deploy/restore.sh", folder], cwd=ROOT, text=True, capture_output=True,
                           env=env, timeout=120)
    assert again.returncode == 1 and "not empty" in again.stderr

    restored = build_app(fresh_url, tmp_path / "restored-app")
    restored.config["CLOCK_TODAY"] = app.config["CLOCK_TODAY"]
    try:
        # The restore's `flask audit verify` records its own check in the log.
        assert _counts(restored) == {**before, "audit_log": before["audit_log"] + 1}
        with restored.app_context():
            from app.services.audit.trail import verify_chain

            assert verify_chain(db.session).ok
            db.session.remove()
        client = restored.test_client()
        for token, serial in certificates.items():
            page = client.get(f"/verify/{token}").get_data(as_text=True)
            assert serial in page
            assert ("This certificate is valid." in page
                    or "replaced by a newer certificate" in page), page[:500]
        assert sum("This certificate is valid." in client.get(f"/verify/{token}").get_data(as_text=True)
                   for token in certificates) == 1  # the replacement superseded the renewal's certificate
    finally:
        with restored.app_context():
            db.engine.dispose()
