"""Ghurfa's scheduled jobs: each job's name, what it runs, its default schedule (Asia/Muscat) and its lock."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobSpec:
    name: str
    target: str  # "module:function" taking a JobContext
    schedule: str  # default crontab, Asia/Muscat
    description: str
    lock: str | None = None  # jobs sharing a lock never overlap (full and incremental sync)

    @property
    def lock_name(self) -> str:
        return self.lock or self.name

    def work(self) -> Callable:
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)


JOBS: dict[str, JobSpec] = {spec.name: spec for spec in (
    JobSpec("reminders", "jobs.reminders:run", "0 9 * * *",
            "Membership expiry reminders by email and SMS"),
    JobSpec("registry_sync", "jobs.registry_sync:run_incremental", "*/30 * * * *",
            "Companies and signatories changed at the commercial registry"),
    JobSpec("registry_full_sync", "jobs.registry_sync:run_full", "30 2 * * 5",
            "Full import of the commercial registry", lock="registry_sync"),
    JobSpec("reconcile_payments", "jobs.reconcile:run", "*/10 * * * *",
            "Ask the payment gateway about orders left pending"),
    JobSpec("outbox", "jobs.outbox:run", "* * * * *",
            "Send queued emails and SMS, retrying failures with backoff"),
    JobSpec("audit_checkpoint", "jobs.audit_checkpoint:run", "7 * * * *",
            "Sign a checkpoint of the audit log's head (kept outside the database)"),
    JobSpec("login_session_purge", "jobs.login_sessions:run", "40 3 * * *",
            "Delete login sessions ended more than LOGIN_SESSION_KEEP_DAYS ago"),
    JobSpec("certificate_signing", "jobs.certificate_signing:run", "*/15 * * * *",
            "Sign the certificates issued while signing failed"),
)}


def jobs_sharing_lock(lock_name: str) -> list[str]:
    """The jobs that take the lock `lock_name` (a job's own name when it is not a job's lock)."""
    return [spec.name for spec in JOBS.values() if spec.lock_name == lock_name] or [lock_name]


class UnknownJob(KeyError):
    pass


def job_spec(name: str) -> JobSpec:
    try:
        return JOBS[name]
    except KeyError:
        raise UnknownJob(name) from None
