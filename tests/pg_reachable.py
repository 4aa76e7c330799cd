"""Exits 0 when the PostgreSQL server named by GHURFA_TEST_PG_URL answers, 1 otherwise."""
import os
import sys

from sqlalchemy import create_engine, text

url = os.environ.get("GHURFA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
try:
    with create_engine(url, connect_args={"connect_timeout": 3}).connect() as conn:
        conn.execute(text("SELECT 1"))
except Exception as error:  # any failure means: skip the PostgreSQL run, loudly
    print(f"PostgreSQL not reachable: {error.__class__.__name__}", file=sys.stderr)
    sys.exit(1)
sys.exit(0)
