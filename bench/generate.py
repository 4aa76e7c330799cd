"""Fills a migrated Ghurfa database with N companies, their signatories, memberships and certificates, fast.

    python -m bench.generate --n 100000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ghurfa_bench

The database is first prepared as `flask ghurfa init --no-demo` does (migrations, roles,
permissions, grades and governorates). Rows are then written with PostgreSQL's COPY
(psycopg 3 `cursor.copy`) or, on other databases, multi-row Core inserts: neither goes
through the ORM session, so generated rows are NOT in the audit log (the audit listener
watches sessions). That is deliberate: this is bench data, not business history.

The same seed, N and --today always produce the same rows.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.engine import make_url

from bench import names

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ghurfa_bench"
BATCH_COMPANIES = 5000

COMPANY_COLUMNS = ("id", "cr_number", "name_en", "name_ar", "registry_name_en", "registry_name_ar", "address",
                   "governorate_id", "registry_grade_id", "cr_status", "cr_expires_on", "registry_updated_at",
                   "created_at", "updated_at")
SIGNATORY_COLUMNS = ("id", "company_id", "civil_id", "name_en", "name_ar", "role", "active", "created_at",
                     "updated_at")
MEMBERSHIP_COLUMNS = ("id", "occi_number", "company_id", "grade_id", "joined_on", "expires_on", "created_at",
                      "updated_at")
CERTIFICATE_COLUMNS = ("id", "serial", "verify_token", "membership_id", "issued_on", "expires_on", "snapshot",
                       "created_at")
TABLES = (("company", COMPANY_COLUMNS), ("signatory", SIGNATORY_COLUMNS),
          ("membership", MEMBERSHIP_COLUMNS), ("certificate", CERTIFICATE_COLUMNS))

# Grades by code with the share of companies registered in each (most are small).
GRADE_WEIGHTS = {"fourth": 45, "third": 25, "second": 15, "first": 10, "excellent": 5}
CR_STATUS_WEIGHTS = {"active": 88, "expired": 7, "suspended": 3, "cancelled": 2}


class GenerationRefused(RuntimeError):
    """The database is not one the generator may fill (not migrated, or already holds companies)."""


@dataclass(frozen=True)
class Reference:
    """Reference rows the generated data points at: grade and governorate ids with their names."""

    grades: dict[str, tuple[int, str, str]]  # code -> (id, name_en, name_ar)
    governorates: list[tuple[int, str, str]]  # (id, name_en, name_ar), Muscat first


@dataclass
class Batch:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {name: [] for name, _ in TABLES})


@dataclass(frozen=True)
class GenerationReport:
    counts: dict[str, int]
    seconds: float


def read_reference(conn: Connection) -> Reference:
    grades = {code: (gid, en, ar) for gid, code, en, ar in conn.execute(
        text("SELECT id, code, name_en, name_ar FROM grade"))}
    missing = set(GRADE_WEIGHTS) - set(grades)
    if missing:
        raise GenerationRefused(f"Reference grades are missing ({', '.join(sorted(missing))}): "
                                "prepare the database first.")
    governorates = [tuple(row) for row in conn.execute(
        text("SELECT id, name_en, name_ar FROM governorate ORDER BY CASE WHEN code = 'muscat' THEN 0 ELSE 1 END, id"))]
    if not governorates:
        raise GenerationRefused("No governorates: prepare the database first.")
    return Reference(grades=grades, governorates=governorates)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _company_name(rng: random.Random) -> tuple[str, str]:
    base_en, base_ar = rng.choice(names.FAMILIES if rng.random() < 0.6 else names.BRANDS)
    activity_en, activity_ar = rng.choice(names.ACTIVITIES)
    form_en, form_ar = rng.choice(names.LEGAL_FORMS)
    return f"{base_en} {activity_en} {form_en}", form_ar.format(name=f"{base_ar} {activity_ar}")


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(4, 13), rng.randint(0, 59), rng.randint(0, 59)))


def company_batches(n: int, *, seed: int, today: dt.date, reference: Reference,
                    batch: int = BATCH_COMPANIES) -> Iterator[Batch]:
    """Rows for n companies (ids from 1) in batches; every company has one membership and one certificate."""
    rng = random.Random(seed)
    cr_numbers = rng.sample(range(1_000_000, 10_000_000), n)
    occi_numbers = rng.sample(range(10_000, 10_000_000), n)
    governorate_weights = [45] + [55 / max(1, len(reference.governorates) - 1)] * (len(reference.governorates) - 1)
    signatory_id = 0
    current = Batch()
    for index in range(n):
        company_id = index + 1
        name_en, name_ar = _company_name(rng)
        registry_en, registry_ar = (_company_name(rng) if rng.random() < 0.03 else (name_en, name_ar))
        gov_id, gov_en, gov_ar = rng.choices(reference.governorates, weights=governorate_weights)[0]
        grade_code = _weighted(rng, GRADE_WEIGHTS)
        grade_id = reference.grades[grade_code][0]
        # Most memberships are current; some are in their grace month, some long expired.
        roll = rng.random()
        if roll < 0.75:
            expires_on = today + dt.timedelta(days=rng.randint(1, 730))
        elif roll < 0.85:
            expires_on = today - dt.timedelta(days=rng.randint(0, 60))
        else:
            expires_on = today - dt.timedelta(days=rng.randint(61, 1500))
        joined_on = min(today, expires_on) - dt.timedelta(days=rng.randint(200, 9000))
        created_at = _at(joined_on, rng)
        address = f"Building {rng.randint(1, 999)}, Way {rng.randint(1, 4999)}, {rng.choice(names.STREETS)}"
        current.rows["company"].append((
            company_id, str(cr_numbers[index]), name_en, name_ar, registry_en, registry_ar, address,
            gov_id, grade_id, _weighted(rng, CR_STATUS_WEIGHTS),
            today + dt.timedelta(days=rng.randint(-400, 1800)), _at(today - dt.timedelta(days=rng.randint(0, 90)), rng),
            created_at, created_at,
        ))
        civil_ids: set[str] = set()
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            civil_id = str(rng.randint(1_000_000, 29_999_999))
            if civil_id in civil_ids:
                continue
            civil_ids.add(civil_id)
            signatory_id += 1
            first_en, first_ar = rng.choice(names.FIRST_NAMES)
            family_en, family_ar = rng.choice(names.FAMILIES)
            current.rows["signatory"].append((
                signatory_id, company_id, civil_id, f"{first_en} {family_en}", f"{first_ar} {family_ar}",
                rng.choice(names.SIGNATORY_ROLES), rng.random() < 0.95, created_at, created_at,
            ))
        membership_grade = grade_code if rng.random() < 0.95 else rng.choice(tuple(GRADE_WEIGHTS))
        occi = str(occi_numbers[index])
        current.rows["membership"].append((
            company_id, occi, company_id, reference.grades[membership_grade][0], joined_on, expires_on,
            created_at, created_at,
        ))
        issued_on = max(joined_on, expires_on - dt.timedelta(days=365 * rng.choice((1, 1, 2))))
        grade_en, grade_ar = reference.grades[membership_grade][1:]
        snapshot = {"company_en": name_en, "company_ar": name_ar, "cr_number": str(cr_numbers[index]),
                    "occi_number": occi, "grade_en": grade_en, "grade_ar": grade_ar,
                    "issued_on": issued_on.isoformat(), "expires_on": expires_on.isoformat(),
                    "head_office_en": gov_en, "head_office_ar": gov_ar}
        current.rows["certificate"].append((
            company_id, f"OCCI-{issued_on.year}-{company_id:07d}", f"{rng.getrandbits(160):040x}", company_id,
            issued_on, expires_on, snapshot, _at(issued_on, rng),
        ))
        if len(current.rows["company"]) >= batch:
            yield current
            current = Batch()
    if current.rows["company"]:
        yield current


def _write_copy(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            json_at = columns.index("snapshot") if "snapshot" in columns else None
            for row in rows:
                if json_at is not None:
                    # COPY's text format takes a JSON column as its text.
                    row = (*row[:json_at], json.dumps(row[json_at], ensure_ascii=False), *row[json_at + 1:])
                copy.write_row(row)
    finally:
        cursor.close()


def _write_insert(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from app.extensions import metadata

    conn.execute(insert(metadata.tables[table]), [dict(zip(columns, row)) for row in rows])


def _check_empty(conn: Connection) -> None:
    for table, _ in TABLES:
        if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            raise GenerationRefused(f"Table {table} already holds rows: generate into a fresh database.")


def generate(engine: Engine, *, n: int, seed: int, today: dt.date) -> GenerationReport:
    """Writes n companies with their signatories, memberships and certificates in one transaction."""
    if n < 1:
        raise ValueError("n must be at least 1")
    started = time.perf_counter()
    counts = {table: 0 for table, _ in TABLES}
    with engine.begin() as conn:
        _check_empty(conn)
        reference = read_reference(conn)
        postgres = conn.dialect.name == "postgresql"
        if postgres and conn.dialect.driver != "psycopg":
            raise GenerationRefused("COPY needs the psycopg (3) driver: use a postgresql+psycopg:// URL.")
        write = _write_copy if postgres else _write_insert
        for batch in company_batches(n, seed=seed, today=today, reference=reference):
            for table, columns in TABLES:
                write(conn, table, columns, batch.rows[table])
                counts[table] += len(batch.rows[table])
        if postgres:
            for table, _ in TABLES:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table, _ in TABLES:
                conn.execute(text(f"VACUUM ANALYZE {table}"))
    return GenerationReport(counts=counts, seconds=time.perf_counter() - started)


def ensure_postgres_database(url: str) -> None:
    """Creates the PostgreSQL database the URL names when it does not exist yet."""
    from sqlalchemy import create_engine

    target = make_url(url)
    if not target.get_backend_name().startswith("postgresql"):
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": target.database}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def recreate_postgres_database(url: str) -> None:
    """Drops and creates the PostgreSQL database the URL names (for a clean bench run)."""
    from sqlalchemy import create_engine

    target = make_url(url)
    if not target.get_backend_name().startswith("postgresql"):
        raise GenerationRefused("--recreate only works with PostgreSQL.")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def prepared_app(database_url: str):
    """A Ghurfa app on database_url whose database is migrated and holds roles and reference data."""
    from app import create_app
    from app.services.setup.bootstrap import prepare_database
    from config import Config

    application = create_app(Config, SQLALCHEMY_DATABASE_URI=database_url, LOAD_DEMO_DATA=False,
                             RATELIMIT_ENABLED=False)
    with application.app_context():
        prepare_database(demo=False)
    return application


def company_count(engine: Engine) -> int:
    from models import Company

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Company)).scalar_one()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="companies to generate (default 100000)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--seed", type=int, default=20180319)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 24),
                        help="the date memberships are current on (default 2026-11-24)")
    parser.add_argument("--recreate", action="store_true", help="drop and create the PostgreSQL database first")
    args = parser.parse_args(argv)
    if args.recreate:
        recreate_postgres_database(args.database_url)
    application = prepared_app(args.database_url)
    with application.app_context():
        from app.extensions import db

        try:
            report = generate(db.engine, n=args.n, seed=args.seed, today=args.today)
        except GenerationRefused as error:
            print(f"generate: {error}", file=sys.stderr)
            return 2
        db.engine.dispose()
    rows = ", ".join(f"{count} {table}" for table, count in report.counts.items())
    print(f"Generated {rows} in {report.seconds:.1f} s (not audited).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
