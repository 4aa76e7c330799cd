#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh into an EMPTY database, then proves it: the files'
# checksums, the audit checkpoint present with its hash, and `flask audit verify` over the chain.
#
# Usage: deploy/restore.sh BACKUP_FOLDER
# Environment: DATABASE_URL (the new, empty database), GHURFA_INSTANCE_DIR (where the keys go;
# default ./instance), FLASK (default .venv/bin/flask), FLASK_APP (default app:create_app()).
# Then run `flask db upgrade` if the release is newer than the backup, and start the services.
set -euo pipefail

backup=${1:?usage: deploy/restore.sh BACKUP_FOLDER}
instance=${GHURFA_INSTANCE_DIR:-instance}
url=${DATABASE_URL:?DATABASE_URL is not set}
url=${url/+psycopg/}
flask=${FLASK:-.venv/bin/flask}
export FLASK_APP=${FLASK_APP:-app:create_app()}

(cd "$backup" && sha256sum --quiet -c SHA256SUMS)
tables=$(psql "$url" --no-psqlrc -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore: the target database is not empty ($tables tables); restore into a new database" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$url" "$backup/database.dump"
read -r seq hash < "$backup/audit-checkpoint.txt" || true
if [ -n "${seq:-}" ]; then
  found=$(psql "$url" --no-psqlrc -Atc "SELECT count(*) FROM audit_log WHERE seq = $seq AND hash = '$hash'")
  if [ "$found" != "1" ]; then
    echo "restore: audit entry $seq with the checkpoint's hash is missing: the dump is not the backup's" >&2
    exit 1
  fi
fi
mkdir -p "$instance"
tar -C "$instance" -xzf "$backup/instance.tar.gz"
"$flask" audit verify
echo "restored from $backup (audit checkpoint ${seq:-none})"
