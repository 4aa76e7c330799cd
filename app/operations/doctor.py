"""`flask doctor`: checks a configuration before (or while) it runs, one line per check.

Each check says ok, warn (works, but not as production should) or FAIL (will not work);
the command exits 1 when anything failed. It never prints a secret's value.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

OK, WARN, FAIL = "ok", "warn", "FAIL"
# Secrets shorter than this are guessable.
MIN_SECRET_LENGTH = 32
# Further apart than this, the app's and the database's clocks disagree (expiry dates, code lifetimes).
MAX_CLOCK_SKEW = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class Finding:
    level: str
    check: str
    text: str

    def line(self) -> str:
        return f"{self.level:<4}  {self.check}: {self.text}"


def check_secrets(config: Mapping) -> Iterator[Finding]:
    key = config.get("SECRET_KEY") or ""
    if not key:
        yield Finding(FAIL, "secrets", "SECRET_KEY is not set")
    elif len(key) < MIN_SECRET_LENGTH:
        yield Finding(FAIL, "secrets", f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    elif config.get("PRODUCTION") and "test" in key.lower():
        yield Finding(FAIL, "secrets", "SECRET_KEY looks like a test value")
    else:
        yield Finding(OK, "secrets", "SECRET_KEY set")
    jwt = config.get("JWT_SECRET_KEY")
    if jwt is not None and len(jwt) < MIN_SECRET_LENGTH:
        yield Finding(FAIL, "secrets", f"JWT_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")


def check_gateway(config: Mapping) -> Iterator[Finding]:
    gateway = config.get("PAYMENT_GATEWAY")
    if gateway == "sandbox":
        yield Finding(FAIL if config.get("PRODUCTION") else WARN, "payments", "the sandbox payment page is in use")
        return
    if gateway != "cybersource":
        yield Finding(FAIL, "payments", f"PAYMENT_GATEWAY must be sandbox or cybersource, not {gateway!r}")
        return
    missing = [name for name in ("CYBERSOURCE_ACCESS_KEY", "CYBERSOURCE_PROFILE_ID", "CYBERSOURCE_SECRET_KEY")
               if not config.get(name)]
    if missing:
        yield Finding(FAIL, "payments", "missing " + ", ".join(missing))
    else:
        yield Finding(OK, "payments", "CyberSource keys set")
    if not (config.get("CYBERSOURCE_QUERY_URL") and config.get("CYBERSOURCE_API_KEY_ID")
            and config.get("CYBERSOURCE_API_SECRET") and config.get("CYBERSOURCE_MERCHANT_ID")):
        yield Finding(WARN, "payments", "no CyberSource query API keys: pending orders cannot be reconciled")


def check_identity_provider(config: Mapping) -> Iterator[Finding]:
    if config.get("DEV_IDP_ENABLED"):
        yield Finding(FAIL if config.get("PRODUCTION") else WARN, "saml", "the development identity provider is on")
    if not config.get("SAML_ENABLED", True):
        yield Finding(WARN, "saml", "PKI login is switched off (SAML_ENABLED)")
        return
    from app.saml.settings import build_settings

    try:
        settings = build_settings(config)
    except Exception as exc:
        yield Finding(FAIL, "saml", f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
        return
    yield Finding(OK, "saml", f"IdP metadata read ({settings.get('idp', {}).get('entityId', 'unknown entity')})")


def check_messages(config: Mapping) -> Iterator[Finding]:
    production = config.get("PRODUCTION")
    if config.get("MAIL_BACKEND") == "smtp":
        yield Finding(OK if config.get("MAIL_SERVER") else FAIL, "mail",
                      f"SMTP server {config.get('MAIL_SERVER')}:{config.get('MAIL_PORT')}"
                      if config.get("MAIL_SERVER") else "MAIL_BACKEND=smtp without MAIL_SERVER")
    else:
        yield Finding(FAIL if production else WARN, "mail", "mail is written to the outbox folder, not sent")
    if config.get("SMS_BACKEND") == "http":
        yield Finding(OK if config.get("SMS_GATEWAY_URL") else FAIL, "sms",
                      "SMS gateway set" if config.get("SMS_GATEWAY_URL") else "SMS_BACKEND=http without SMS_GATEWAY_URL")
    else:
        yield Finding(FAIL if production else WARN, "sms", "SMS are written to the outbox folder, not sent")


def check_web(config: Mapping) -> Iterator[Finding]:
    base = config.get("PUBLIC_BASE_URL") or ""
    if config.get("PRODUCTION") and not base.startswith("https://"):
        yield Finding(FAIL, "web", "PUBLIC_BASE_URL must be https in production")
    if config.get("PRODUCTION") and not config.get("SESSION_COOKIE_SECURE"):
        yield Finding(FAIL, "web", "SESSION_COOKIE_SECURE is off")
    if config.get("PRODUCTION") and not config.get("PROXY_FIX_HOPS"):
        yield Finding(WARN, "web", "PROXY_FIX_HOPS is 0: client addresses are the proxy's (rate limits, logs)")
    if not (config.get("METRICS_TOKEN") or config.get("METRICS_ALLOW_FROM")):
        yield Finding(WARN, "metrics", "/metrics is off (set METRICS_TOKEN or METRICS_ALLOW_FROM)")
    yield Finding(OK, "web", f"public address {base}")


def check_database(config: Mapping) -> Iterator[Finding]:
    from app.operations.health import check_migrations
    from app.extensions import db
    from sqlalchemy import text

    uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if uri.startswith("sqlite") and config.get("PRODUCTION"):
        yield Finding(FAIL, "database", "production needs PostgreSQL")
    try:
        with db.engine.connect() as conn:
            now = conn.execute(text("SELECT CURRENT_TIMESTAMP")).scalar()
    except Exception as exc:
        yield Finding(FAIL, "database", f"unreachable ({type(exc).__name__})")
        return
    yield Finding(OK, "database", f"reachable ({db.engine.dialect.name})")
    migrations = check_migrations()
    yield Finding(OK if migrations.ok else FAIL, "migrations",
                  migrations.detail + ("" if migrations.ok else " (run flask ghurfa init)"))
    yield from check_clock(now)


def check_clock(database_now) -> Iterator[Finding]:
    if isinstance(database_now, str):  # SQLite answers text, in UTC
        database_now = dt.datetime.fromisoformat(database_now)
    if database_now.tzinfo is None:
        database_now = database_now.replace(tzinfo=dt.timezone.utc)
    skew = abs(dt.datetime.now(dt.timezone.utc) - database_now)
    if skew > MAX_CLOCK_SKEW:
        yield Finding(FAIL, "clock", f"this machine and the database disagree by {int(skew.total_seconds())} s")
    else:
        yield Finding(OK, "clock", "this machine and the database agree")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo("Asia/Muscat")
    except Exception:
        yield Finding(FAIL, "clock", "the Asia/Muscat time zone is not installed (tzdata)")


def check_redis(config: Mapping) -> Iterator[Finding]:
    from app.operations.health import check_redis as ping

    result = ping()
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "")
    if result is None:
        level = FAIL if config.get("PRODUCTION") else WARN
        yield Finding(level, "redis", "REDIS_URL is not set: each worker keeps its own rate limits")
        return
    yield Finding(OK if result.ok else FAIL, "redis", result.detail)
    if storage.startswith("memory"):
        yield Finding(WARN, "redis", "RATELIMIT_STORAGE_URI is memory:// although REDIS_URL is set")


def check_fonts(config: Mapping) -> Iterator[Finding]:
    from app.certificates.pdf import FONT_FILES

    folder = Path(current_app.static_folder) / "vendor" / "fonts"
    missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
    if missing:
        yield Finding(FAIL, "fonts", f"missing in {folder}: {', '.join(missing)} (run scripts/setup.sh)")
    else:
        yield Finding(OK, "fonts", "the certificate's Arabic font is present")
    emblem = config.get("CHAMBER_EMBLEM")
    if emblem and not Path(emblem).is_file():
        yield Finding(FAIL, "fonts", f"CHAMBER_EMBLEM {emblem} does not exist")


def check_scheduler(config: Mapping) -> Iterator[Finding]:
    from jobs.scheduler import schedules

    try:
        plan = schedules(config)
    except ValueError as exc:
        yield Finding(FAIL, "jobs", str(exc))
        return
    off = [name for name, expr in plan.items() if expr is None]
    yield Finding(WARN if off else OK, "jobs", "switched off: " + ", ".join(off) if off else "every job scheduled")


CHECKS: tuple[Callable[[Mapping], Iterator[Finding]], ...] = (
    check_secrets, check_database, check_redis, check_gateway, check_identity_provider, check_messages,
    check_web, check_fonts, check_scheduler,
)


def diagnose(config: Mapping) -> list[Finding]:
    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings.extend(check(config))
        except Exception as exc:  # a check that cannot run is itself a finding
            findings.append(Finding(FAIL, check.__name__.removeprefix("check_"), f"{type(exc).__name__}: {exc}"))
    return findings


@click.command("doctor")
@with_appcontext
@click.option("--quiet", is_flag=True, help="Print only what is wrong (warn and FAIL).")
def doctor_command(quiet: bool) -> None:
    """Check this configuration: secrets, gateway keys, IdP metadata, database, Redis, fonts, clock."""
    import sys

    findings = diagnose(current_app.config)
    for finding in findings:
        if not quiet or finding.level != OK:
            click.echo(finding.line())
    failed = sum(finding.level == FAIL for finding in findings)
    warned = sum(finding.level == WARN for finding in findings)
    click.echo(f"{failed} failed, {warned} warnings, {len(findings) - failed - warned} ok.")
    if failed:
        sys.exit(1)
