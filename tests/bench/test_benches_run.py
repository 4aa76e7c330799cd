"""Every bench still runs, at tiny sizes, so none rots unnoticed between measurements.

Figures are not asserted here (speed is measured on a quiet machine with `make bench`);
a bench that fails to start, breaks on the schema or cannot log in fails the suite.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = os.environ.get("GHURFA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One database per checkout: several checkouts may share the server.
CHECKOUT = hashlib.sha1(str(ROOT).encode()).hexdigest()[:8]


def _database(name: str) -> str:
    return make_url(BASE_URL).set(database=f"ghurfa_bench_{name}_{CHECKOUT}").render_as_string(hide_password=False)


def _postgres_answers() -> bool:
    try:
        with create_engine(BASE_URL, connect_args={"connect_timeout": 3}).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not _postgres_answers(), reason="the benches run on PostgreSQL")]


def _run(*args: str, timeout: int = 300) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHURFA_", "REGISTRY_", "DATABASE_URL"))}
    result = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    return result.stdout


def test_the_pages_bench_measures_member_public_and_back_office_pages_beside_the_floor(tmp_path):
    out = _run("bench", "--n", "60", "--requests", "4", "--rounds", "1", "--budget", "5", "--only", "dashboard",
               "renewal", "certificate check", "company list", "--database-url", _database("pages"),
               "--json", str(tmp_path / "pages.json"))
    assert "floor (one row by primary key)" in out and "member dashboard" in out and "company list" in out
    assert "company list, page at 90% depth: " in out
    assert (tmp_path / "pages.json").exists()


def test_the_exports_bench_runs(tmp_path):
    _run("bench.bench_exports", "--rows", "300", "--url", _database("exports"), "--json", str(tmp_path / "e.json"))
    assert (tmp_path / "e.json").exists()


def test_the_jobs_bench_runs():
    out = _run("bench.bench_jobs", "--companies", "40", "--changes", "4", "--url", _database("jobs"))
    assert "incremental registry sync" in out


def test_the_certificates_bench_runs(tmp_path):
    _run("bench.bench_certificates", "--count", "2", "--json", str(tmp_path / "c.json"))
    assert (tmp_path / "c.json").exists()


def test_the_signing_bench_runs(tmp_path):
    out = _run("bench.bench_signing", "--count", "2", "--json", str(tmp_path / "s.json"))
    assert (tmp_path / "s.json").exists() and "certificate signature, 2 different certificates" in out
