"""/healthz (the process answers) and /readyz (it can serve: database, Redis, schema, scheduler; and the
signing key's expiry, as a warning that never fails readiness).

Both are cheap and need no login. The public sees only "ok" / "ready" or "not ready";
the checks' details are shown to staff (Admin, Staff, Auditor) and to a caller holding
METRICS_TOKEN. /readyz answers 503 when any check fails, so a load balancer stops sending
requests to a worker that cannot serve them.
"""
from __future__ import annotations

import datetime as dt
import functools
import hmac
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, jsonify, request

log = logging.getLogger("ghurfa.health")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    # Something staff must act on soon that does not stop this worker serving (the signing key's expiry).
    warning: bool = False


def healthz():
    return jsonify(status="ok")


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)


@functools.lru_cache(maxsize=4)
def migration_heads(directory: str) -> frozenset[str]:
    """The revisions no migration follows, read from the migration files' `revision` and `down_revision`
    lines (Alembic's own reading of them would load Alembic into every worker a probe reaches)."""
    revisions, followed = set(), set()
    for path in (Path(directory) / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            continue
        revisions.add(revision.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            followed.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - followed)


def check_database() -> Check:
    from sqlalchemy import text

    from app.extensions import db

    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return Check("database", True, "reachable")
    except Exception as exc:
        return Check("database", False, f"unreachable ({type(exc).__name__})")


def check_migrations() -> Check:
    from sqlalchemy import text

    from app.extensions import db

    try:
        with db.engine.connect() as conn:
            current = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception as exc:
        return Check("migrations", False, f"unknown ({type(exc).__name__})")
    from app.extensions import MIGRATIONS_DIR

    heads = migration_heads(str(MIGRATIONS_DIR))
    if current == set(heads):
        return Check("migrations", True, "at head " + ", ".join(sorted(heads)))
    return Check("migrations", False, f"database at {', '.join(sorted(current)) or 'nothing'}, "
                                      f"code expects {', '.join(sorted(heads))}")


def check_redis() -> Check | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
        return Check("redis", True, "reachable")
    except Exception as exc:
        return Check("redis", False, f"unreachable ({type(exc).__name__})")
    finally:
        client.close()


def check_scheduler() -> Check | None:
    max_age = int(current_app.config.get("SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS") or 0)
    if max_age <= 0:
        return None
    from app.operations.heartbeat import last_beat
    from app.infrastructure.clock import now_utc

    try:
        beat = last_beat()
    except Exception as exc:
        return Check("scheduler", False, f"unknown ({type(exc).__name__})")
    finally:
        from app.extensions import db

        db.session.remove()
    if beat is None:
        return Check("scheduler", False, "no heartbeat recorded")
    age = (now_utc(current_app.config) - beat).total_seconds()
    if age > max_age:
        return Check("scheduler", False, f"last heartbeat {int(age)} s ago (more than {max_age} s)")
    return Check("scheduler", True, f"last heartbeat {int(max(age, 0))} s ago")


def check_signing_key() -> Check:
    """The signing key: loaded, and how long until it expires. Never fails readiness: without a key,
    certificates are still issued (queued for signing); the warning is for staff to act on."""
    from app.services.certificates.key_expiry import key_status

    status = key_status(current_app.config, dt.datetime.now(dt.timezone.utc))
    if not status.loaded:
        return Check("signing_key", True, f"cannot be loaded ({status.problem}); PDFs are queued for signing",
                     warning=True)
    detail = f"expires {status.expires_at:%Y-%m-%d} (in {status.days_left} days)"
    if status.renewal_due:
        return Check("signing_key", True, detail + ": renew it and configure the new one", warning=True)
    return Check("signing_key", True, detail)


def run_checks() -> list[Check]:
    database = check_database()
    checks = [database]
    if database.ok:
        checks.append(check_migrations())
    checks.extend(check for check in (check_redis(),) if check is not None)
    if database.ok:
        checks.extend(check for check in (check_scheduler(),) if check is not None)
    checks.append(check_signing_key())
    return checks


def _may_see_details() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    from app.permissions import ADMIN, AUDITOR, STAFF

    try:
        from flask_login import current_user

        return current_user.is_authenticated and any(role.name in (ADMIN, STAFF, AUDITOR) for role in current_user.roles)
    except Exception:  # the user cannot be loaded (the database is away): public answer
        return False


def readyz():
    checks = run_checks()
    ready = all(check.ok for check in checks)
    body: dict = {"status": "ready" if ready else "not ready"}
    if not ready:
        log.warning("not ready: %s", "; ".join(f"{c.name} {c.detail}" for c in checks if not c.ok))
    if _may_see_details():
        body["checks"] = {check.name: {"ok": check.ok, "detail": check.detail, **({"warning": True} if check.warning
                                                                               else {})} for check in checks}
        body["at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def install(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])
