#!/usr/bin/env bash
# Backs up Ghurfa: the PostgreSQL database (pg_dump, custom format), the instance folder's keys
# (session secret, SAML key pair, sandbox secret; not the outbox) and an audit checkpoint (the
# last audit entry's number and hash, taken before the dump, so a restore can prove it holds
# the chain at least that far).
#
# Usage: deploy/backup.sh BACKUP_DIR
# Environment: DATABASE_URL (as Ghurfa reads it), GHURFA_INSTANCE_DIR (default: ./instance).
# Prints the folder it wrote: BACKUP_DIR/ghurfa-<UTC time>/ with SHA256SUMS.
set -euo pipefail

dest=${1:?usage: deploy/backup.sh BACKUP_DIR}
instance=${GHURFA_INSTANCE_DIR:-instance}
url=${DATABASE_URL:?DATABASE_URL is not set}
url=${url/+psycopg/}  # libpq's form of the SQLAlchemy URL

umask 077
out="$dest/ghurfa-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
psql "$url" --no-psqlrc -v ON_ERROR_STOP=1 -Atc \
  "SELECT seq || ' ' || hash FROM audit_log ORDER BY seq DESC LIMIT 1" > "$out/audit-checkpoint.txt"
pg_dump --format=custom --no-owner --no-privileges --file "$out/database.dump" "$url"
tar -C "$instance" --exclude=./outbox --exclude='./*.db' -czf "$out/instance.tar.gz" .
(cd "$out" && sha256sum database.dump instance.tar.gz audit-checkpoint.txt > SHA256SUMS)
echo "$out"
