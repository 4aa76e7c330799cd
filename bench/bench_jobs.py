"""Benchmark of the scheduled jobs at 100,000 companies and memberships on PostgreSQL.

    python -m bench.bench_jobs [--companies 100000] [--url postgresql+psycopg://postgres@127.0.0.1:5432/ghurfa_bench_jobs]

Steps, each timed with its peak resident memory (RSS, sampled every 20 ms):
1. full registry sync of a generated registry file (empty database: every company, signatory and
   audit entry is created);
2. memberships and verified members generated in bulk (not timed as a job);
3. the reminder run on the first day (every membership in a reminder window gets its due reminder);
4. the reminder run the next day (steady state);
5. a second full sync with nothing changed at the registry;
6. an incremental sync of 1,000 changed companies (names, grades, signatories, cancelled CRs),
   with the members told, read over HTTP from the registry's reference server.
Registry syncs report `registry_ms` (reading and validating the registry's answers, the adapter's
work) apart from `apply_ms` (comparing and writing, this job's work).
The database named in --url is dropped and created again. Figures go to bench/out/jobs.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ghurfa_bench_jobs"
GRADES = ("excellent", "first", "second", "third", "fourth")
GOVERNORATES = ("muscat", "dhofar", "dakhiliyah", "north_batinah", "south_batinah", "dhahirah")
TODAY = dt.date(2026, 3, 1)


class PeakRss:
    """Samples this process's resident memory in a thread; `peak` is the highest seen since start."""

    def __init__(self) -> None:
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def rss(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self.page

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> "PeakRss":
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def registry_company(i: int, *, name_suffix: str = "", grade: str | None = None, status: str = "active",
                     drop_partner: bool = False, updated: dt.datetime | None = None) -> dict:
    signatories = [{"civil_id": str(20_000_000 + i), "name_en": f"Owner {i}", "name_ar": f"المالك {i}", "role": "owner"}]
    if i % 2 == 0 and not drop_partner:
        signatories.append({"civil_id": str(30_000_000 + i), "name_en": f"Partner {i}", "name_ar": f"الشريك {i}",
                            "role": "partner"})
    stamp = updated or dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=i)
    return {
        "cr_number": str(1_000_000 + i), "name_en": f"Company {i}{name_suffix}",
        "name_ar": f"شركة {i}{name_suffix}", "address": f"Building {i}, Way {i % 900}, Muscat",
        "governorate_code": GOVERNORATES[i % len(GOVERNORATES)], "grade_code": grade or GRADES[i % len(GRADES)],
        "status": status, "expires_on": (TODAY + dt.timedelta(days=200 + i % 700)).isoformat(),
        "updated_at": stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "signatories": signatories,
    }


def write_json(path: Path, companies: list[dict]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"companies": companies}, out, ensure_ascii=False)
    os.replace(tmp, path)


def recreate_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def generate_members(db, count: int) -> None:
    """One verified member per company (its owner) and one membership per company, by COPY."""
    conn = db.session.connection()
    raw = conn.connection.driver_connection
    grade_ids = dict(conn.execute(text("SELECT code, id FROM grade")).all())
    companies = conn.execute(text("SELECT id, cr_number, registry_grade_id FROM company ORDER BY id")).all()
    now = dt.datetime(2026, 1, 1)
    with raw.cursor() as cur:
        with cur.copy("COPY ab_user (first_name, last_name, username, email, active, created_on, changed_on, "
                      "login_count, fail_login_count) FROM STDIN") as copy:
            for i in range(count):
                copy.write_row((f"Owner{i}", "Member", f"owner{i}", f"owner{i}@bench.example.om", True, now, now, 0, 0))
        cur.execute("SELECT id FROM ab_user WHERE username LIKE 'owner%' ORDER BY id")
        user_ids = [row[0] for row in cur.fetchall()]
        with cur.copy("COPY member (user_id, first_name, family_name, mobile, country, id_type, id_number, language, "
                      "email_verified_at, mobile_verified_at, created_at, updated_at) FROM STDIN") as copy:
            for i, user_id in enumerate(user_ids):
                copy.write_row((user_id, f"Owner{i}", "Member", f"+9689{i:07d}", "OM", "civil_id", str(20_000_000 + i),
                                "ar" if i % 3 == 0 else "en", now, now, now, now))
        with cur.copy("COPY membership (occi_number, company_id, grade_id, joined_on, expires_on, created_at, "
                      "updated_at) FROM STDIN") as copy:
            for company_id, cr_number, grade_id in companies:
                i = int(cr_number) - 1_000_000
                expires_on = TODAY + dt.timedelta(days=(i * 7919) % 425 - 60)
                copy.write_row((str(100_000 + i), company_id, grade_id or grade_ids["fourth"],
                                expires_on - dt.timedelta(days=365), expires_on, now, now))
    db.session.commit()
    with db.engine.connect() as c:
        c.execute(text("ANALYZE"))
        c.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--url", default=os.environ.get("BENCH_JOBS_DB_URL", DEFAULT_URL))
    args = parser.parse_args(argv)

    from app import create_app
    from app.extensions import db
    from app.services.setup.bootstrap import prepare_database
    from config import TestConfig
    from jobs.scheduler import run_now

    out_dir = Path(__file__).resolve().parent / "out"
    out_dir.mkdir(exist_ok=True)
    registry_file = out_dir / "bench_registry.json"
    recreate_database(args.url)
    instance = tempfile.mkdtemp(prefix="ghurfa-bench-jobs-")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=args.url, INSTANCE_DIR=instance,
                     OUTBOX_DIR=os.path.join(instance, "outbox"), REGISTRY_BACKEND="file",
                     REGISTRY_FILE=str(registry_file), CLOCK_NOW=dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.timezone.utc))
    with app.app_context():
        prepare_database(demo=False)
    print(f"generating a registry of {args.companies:,} companies ...", flush=True)
    companies = [registry_company(i) for i in range(args.companies)]
    write_json(registry_file, companies)

    figures: list[dict] = []

    def step(label: str, goal: float | None, action):
        with PeakRss() as memory:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = action()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        counts = getattr(result, "counts", None)
        status = getattr(result, "status", "ok")
        figures.append({"step": label, "seconds": round(seconds, 2), "python_cpu_seconds": round(cpu, 2),
                        "goal_seconds": goal, "load_average": os.getloadavg()[0],
                        "peak_rss_mb": round(memory.peak / 2**20), "status": status, "counts": counts})
        verdict = "" if goal is None else ("  (goal < %ss: %s)" % (goal, "met" if seconds < goal else "MISSED"))
        print(f"{label}: {seconds:.2f} s (Python CPU {cpu:.2f} s, load {os.getloadavg()[0]:.1f}), peak RSS {memory.peak / 2**20:.0f} MB, {status}{verdict}\n    {counts or ''}",
              flush=True)
        if status != "ok":
            raise SystemExit(f"{label} failed: {getattr(result, 'error', '')}")
        return result

    step(f"full registry sync, {args.companies:,} new companies", 10, lambda: run_now(app, "registry_full_sync"))
    with app.app_context():
        step("generate memberships and verified members (COPY, not a job)", None,
             lambda: generate_members(db, args.companies))
    step(f"reminder run over {args.companies:,} memberships (first day)", 10, lambda: run_now(app, "reminders"))
    app.config["CLOCK_NOW"] = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.timezone.utc)
    step("reminder run the next day", 10, lambda: run_now(app, "reminders"))
    step(f"full registry sync, {args.companies:,} unchanged companies", 10, lambda: run_now(app, "registry_full_sync"))

    later = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
    stride = max(1, args.companies // args.changes)
    for n, i in enumerate(range(0, args.companies, stride)[: args.changes]):
        kind = n % 10
        updated = later + dt.timedelta(seconds=n)
        if kind < 4:
            companies[i] = registry_company(i, name_suffix=" Group", updated=updated)
        elif kind < 7:
            companies[i] = registry_company(i, grade=GRADES[(i + 1) % len(GRADES)], updated=updated)
        elif kind < 9:
            companies[i] = registry_company(i, drop_partner=True, updated=updated)
        else:
            companies[i] = registry_company(i, status="cancelled", updated=updated)
    write_json(registry_file, companies)
    # The incremental sync reads the registry over HTTP, as in production: the reference server holds the
    # registry in memory (loaded before the clock starts), the job fetches only the changed companies.
    import requests

    from app.adapters.registry.dev_server import RegistryDevServer

    with RegistryDevServer(registry_file) as server:
        requests.get(f"{server.base_url}/changes?limit=1", timeout=120).raise_for_status()
        app.config.update(REGISTRY_BACKEND="http", REGISTRY_URL=server.base_url, REGISTRY_TIMEOUT=60)
        step(f"incremental registry sync of {args.changes:,} changes (HTTP registry)", 1,
             lambda: run_now(app, "registry_sync"))

    (out_dir / "jobs.json").write_text(json.dumps({"companies": args.companies, "figures": figures}, indent=2))
    print(f"figures written to {out_dir / 'jobs.json'}")
    with app.app_context():
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
