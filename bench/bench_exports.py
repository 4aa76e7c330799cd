"""Benchmark of the streamed exports: a million service requests out as CSV and XLSX through the real export view.

    python -m bench.bench_exports                       # 1,000,000 rows on PostgreSQL (database ghurfa_bench_exports)
    python -m bench.bench_exports --rows 20000 --json bench/out/exports.json

The data (companies with Arabic names, one member, N service requests) is written with
PostgreSQL's COPY and kept between runs when the row count matches. Each format is then
measured in a fresh subprocess, so its peak memory is the export's and not the loader's:
an auditor logs in, requests /export/ServiceOrderView/<format>/ and reads the streamed
reply. Reported: rows per second (request to last byte), time to first byte, time to the
first data row, bytes, the process's RSS before the request, its RSS sampled while
streaming, and its peak RSS (getrusage).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ghurfa_bench_exports"
AUDITOR = "bench-auditor"
PASSWORD = "bench password that is long enough"
SERVICES = ("new_membership", "renewal", "replacement", "name_change", "grade_change")
STATUSES = ("paid", "fulfilled", "pending_payment", "cancelled", "expired", "failed")
OPEN_STATUSES = ("draft", "pending_payment", "review")  # models.order.OPEN_STATUSES
IDP_METADATA = Path(__file__).resolve().parent / "out" / "exports_idp_metadata.xml"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _reset_peak() -> bool:
    """Linux resets a process's peak RSS (VmHWM) when 5 is written to clear_refs."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _high_water_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return _peak_mb()


def _app(url: str, *, as_deployed: bool = False):
    """The app; `as_deployed`: built as a production worker is (PKI login through the national IdP's
    metadata, no development identity provider), for the measured export."""
    from app import create_app
    from config import TestConfig

    instance = tempfile.mkdtemp(prefix="ghurfa-bench-")
    settings = dict(SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance, OUTBOX_DIR=os.path.join(instance, "outbox"))
    if as_deployed:
        settings.update(DEV_IDP_ENABLED=False, SAML_ENABLED=True, SAML_IDP_METADATA_FILE=str(IDP_METADATA))
    return create_app(TestConfig, **settings)


def _ensure_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def prepare(url: str, rows: int) -> None:
    """Schema, an auditor, 2,000 companies and `rows` service requests (kept if already there)."""
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.services.setup.bootstrap import prepare_database
    from models import ServiceOrder

    _ensure_database(url)
    app = _app(url)
    with app.app_context():
        prepare_database(demo=False)
        from app.saml.dev_idp.metadata import metadata_xml

        IDP_METADATA.parent.mkdir(parents=True, exist_ok=True)
        IDP_METADATA.write_text(metadata_xml(app.config))
        sm = app.appbuilder.sm
        if sm.find_user(username=AUDITOR) is None:
            sm.add_user(AUDITOR, "Bench", "Auditor", "bench-auditor@example.om", sm.find_role("Auditor"),
                        password=PASSWORD)
        have = db.session.scalar(select(func.count()).select_from(ServiceOrder))
        if have == rows:
            print(f"bench: {rows:,} service requests already loaded", file=sys.stderr)
            return
        started = time.perf_counter()
        db.session.execute(text("TRUNCATE service_order, order_line, payment, certificate RESTART IDENTITY CASCADE"))
        db.session.execute(text("DELETE FROM company WHERE cr_number LIKE 'B%'"))
        db.session.commit()
        user_id = sm.find_user(username=AUDITOR).id
        raw = db.session.connection().connection.driver_connection
        rng = random.Random(7)
        with raw.cursor() as cursor:
            with cursor.copy("COPY company (cr_number, name_en, name_ar, cr_status, created_at, updated_at) "
                             "FROM STDIN") as copy:
                now = dt.datetime(2025, 1, 1)
                for i in range(2000):
                    name_en = f"=Trading {i} LLC" if i % 97 == 0 else f"Trading company {i} LLC"
                    copy.write_row((f"B{i:07d}", name_en, f"شركة التجارة رقم {i} ش.م.م", "active", now, now))
            cursor.execute("SELECT id FROM company WHERE cr_number LIKE 'B%' ORDER BY id")
            companies = [row[0] for row in cursor.fetchall()]
            columns = ("reference, service, status, user_id, company_id, quoted_on, period_months, total, currency, "
                       "details, paid_at, created_at, updated_at")
            with cursor.copy(f"COPY service_order ({columns}) FROM STDIN") as copy:
                start = dt.datetime(2022, 1, 1)
                open_orders: set[tuple[int, str]] = set()
                for i in range(rows):
                    created = start + dt.timedelta(seconds=i * 90)
                    status = STATUSES[rng.randrange(len(STATUSES))]
                    key = (companies[i % len(companies)], SERVICES[i % len(SERVICES)])
                    if status in OPEN_STATUSES:
                        # One open request per company and service (uq_order_open_per_company_service).
                        status = "expired" if key in open_orders else status
                        open_orders.add(key)
                    paid = created + dt.timedelta(minutes=5) if status in ("paid", "fulfilled") else None
                    copy.write_row((f"SR-{i:09d}", SERVICES[i % len(SERVICES)], status, user_id,
                                    companies[i % len(companies)], created.date(), 12,
                                    rng.choice((25_000, 50_000, 100_000, 37_500)), "OMR", "{}", paid, created,
                                    created))
        raw.commit()
        db.session.execute(text("ANALYZE service_order"))
        db.session.commit()
        print(f"bench: loaded {rows:,} service requests in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def measure(url: str, fmt: str) -> dict:
    """One export through the web view, in this (fresh) process."""
    import re

    app = _app(url, as_deployed=True)
    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login/", data={"username": AUDITOR, "password": PASSWORD, "csrf_token": token}
                       ).status_code == 302, "the bench auditor could not log in"
    process_peak_before = _peak_mb()  # app start-up: imports, views, API schemas
    reset = _reset_peak()
    rss_before = _rss_mb()
    samples = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    response = client.get(f"/export/ServiceOrderView/{fmt}/", buffered=False)
    assert response.status_code == 200, response.status_code
    first_byte = first_row = None
    size = pieces = 0
    for piece in response.response:
        now = time.perf_counter()
        if first_byte is None:
            first_byte = now - started
        elif first_row is None and piece:
            first_row = now - started
        size += len(piece)
        pieces += 1
        if pieces % 200 == 0:
            samples.append(round(_rss_mb(), 1))
    response.close()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    from sqlalchemy import select

    from app.extensions import db
    from models import AuditEntry

    with app.app_context():
        logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                                    .order_by(AuditEntry.seq.desc()).limit(1)).one().after
    return {
        "format": fmt, "rows": logged["rows"], "complete": logged["complete"], "bytes": size,
        "seconds": round(elapsed, 2), "rows_per_second": round(logged["rows"] / elapsed),
        # The machine may be shared: CPU time of this process tells the export's own cost.
        "cpu_seconds": round(cpu, 2), "rows_per_cpu_second": round(logged["rows"] / cpu),
        "time_to_first_byte_ms": round(first_byte * 1000, 1),
        "time_to_first_row_ms": round((first_row or elapsed) * 1000, 1),
        "rss_before_mb": round(rss_before, 1), "rss_while_streaming_mb": samples[:: max(1, len(samples) // 10)],
        "peak_rss_at_start_up_mb": round(process_peak_before, 1),
        # Peak RSS from the request to the last byte (VmHWM reset just before the request).
        "peak_rss_during_export_mb": round(_high_water_mb(), 1) if reset else None,
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", default=os.environ.get("GHURFA_BENCH_DB_URL", DEFAULT_URL))
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: run one format in this process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.url, args.measure)))
        return 0
    prepare(args.url, args.rows)
    results = []
    for fmt in args.formats.split(","):
        out = subprocess.run([sys.executable, "-m", "bench.bench_exports", "--url", args.url, "--measure", fmt],
                             capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{fmt:>4}: {result['rows']:,} rows in {result['seconds']} s = {result['rows_per_second']:,} rows/s "
              f"({result['rows_per_cpu_second']:,} rows per CPU second); "
              f"first byte {result['time_to_first_byte_ms']} ms, first row {result['time_to_first_row_ms']} ms; "
              f"{result['bytes'] / 2**20:.1f} MiB; RSS {result['rss_before_mb']} MB before the request, peak "
              f"{result['peak_rss_during_export_mb']} MB during it (start-up peak {result['peak_rss_at_start_up_mb']} MB); "
              f"while streaming {result['rss_while_streaming_mb']}")
    report = {"rows": args.rows, "cpus": os.cpu_count(), "load_average": os.getloadavg(), "results": results}
    print(f"load average at the end: {os.getloadavg()}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
