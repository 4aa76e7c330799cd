#!/usr/bin/env bash
# Runs the whole suite on SQLite, then the database-facing tests again on PostgreSQL
# when one is reachable (GHURFA_TEST_PG_URL, default the local `test` database).
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=".venv/bin/python -m pytest"
export GHURFA_TEST_PG_URL=${GHURFA_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}

echo "== tests on SQLite =="
$PYTEST -n 2 -p no:cacheprovider tests "$@"
sqlite_rc=$?

if .venv/bin/python -m tests.pg_reachable; then
  echo "== database tests on PostgreSQL =="
  GHURFA_TEST_DB=postgresql $PYTEST -n 2 -p no:cacheprovider -m "db" tests "$@"
  pg_rc=$?
else
  echo "== PostgreSQL is not reachable at $GHURFA_TEST_PG_URL: PostgreSQL run SKIPPED =="
  pg_rc=0
fi
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
