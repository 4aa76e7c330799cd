"""Every command ends bad input with one clear line and a non-zero exit, never a traceback."""
from __future__ import annotations

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import bind_migrations
from config import TestConfig


def _one_line(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.fixture
def bare_app(tmp_path):
    """An app on a database that was migrated (`flask db upgrade`) but never initialised."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'bare.db'}",
                             INSTANCE_DIR=str(tmp_path / "instance"), OUTBOX_DIR=str(tmp_path / "outbox"))
    with application.app_context():
        bind_migrations(application)
        upgrade()
    return application


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database that was never migrated at all."""
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}",
                      INSTANCE_DIR=str(tmp_path / "instance"), OUTBOX_DIR=str(tmp_path / "outbox"))


def test_export_to_a_missing_folder(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["export", "companies", "--out", str(tmp_path / "missing" / "x.csv")])
    line = _one_line(result)
    assert line == f"Error: Cannot write {tmp_path / 'missing' / 'x.csv'}: the folder {tmp_path / 'missing'} does not exist."
    assert not (tmp_path / "missing").exists()


def test_demo_load_on_a_migrated_but_not_initialised_database(bare_app):
    line = _one_line(bare_app.test_cli_runner().invoke(args=["demo", "load"]))
    assert line == "Error: The database has no reference data yet: run `flask ghurfa init` first."


@pytest.mark.parametrize("args", [["audit", "verify"], ["demo", "load"], ["jobs", "list"],
                                  ["export", "companies", "--out", "-"]])
def test_commands_on_a_database_never_migrated(empty_app, args):
    line = _one_line(empty_app.test_cli_runner().invoke(args=args))
    assert line.startswith("Error: The database cannot be used (") and "flask ghurfa init" in line


def test_an_unknown_job(app):
    line = _one_line(app.test_cli_runner().invoke(args=["jobs", "run", "nope"]))
    assert line.startswith("Error: There is no job named 'nope'; the jobs are: reminders,")


def test_a_failing_job_reports_one_line(app, monkeypatch):
    import dataclasses

    import jobs.scheduler as scheduler

    monkeypatch.setitem(scheduler.JOBS, "outbox", dataclasses.replace(
        scheduler.JOBS["outbox"], target="tests.integration.test_cli_errors:_broken_job"))
    result = app.test_cli_runner().invoke(args=["jobs", "run", "outbox"])
    line = _one_line(result)
    assert line.startswith("outbox: failed (job run #") and line.endswith("RuntimeError: the registry answered 503")


def _broken_job(ctx):
    raise RuntimeError("the registry answered 503")


def test_check_file_without_the_file_or_key(app, tmp_path):
    runner = app.test_cli_runner()
    line = _one_line(runner.invoke(args=["audit", "check-file", str(tmp_path / "none.jsonl"),
                                         "--public-key", str(tmp_path / "none.pem")]))
    assert "cannot be read" in line
