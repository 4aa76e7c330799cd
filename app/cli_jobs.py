"""`flask jobs ...` (the scheduler process, the job list, running one job now) and `flask registry sync`."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Scheduled jobs: the scheduler process and one-off runs.")
registry_cli = AppGroup("registry", help="The commercial registry.")


@jobs_cli.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler (one process per deployment, never inside web workers)."""
    from jobs.scheduler import run_scheduler

    click.echo("Scheduler starting (Asia/Muscat); stop it with Ctrl+C.")
    run_scheduler(current_app._get_current_object())


@jobs_cli.command("list")
def list_command() -> None:
    """Each job with its schedule, its next run and its last run."""
    import datetime as dt

    from app.infrastructure.clock import MUSCAT
    from app.services.jobs.runs import last_runs, sweep_abandoned
    from app.services.settings.policies import job_schedules
    from jobs.scheduler import JOBS, cron_trigger

    sweep_abandoned()  # a run whose process died is shown abandoned, not running for ever
    plan = job_schedules(current_app.config)
    last = last_runs(list(JOBS))
    now = dt.datetime.now(MUSCAT)
    for name, spec in JOBS.items():
        expr = plan[name]
        next_run = cron_trigger(expr).get_next_fire_time(None, now) if expr else None
        click.echo(f"{name}: {spec.description}")
        click.echo(f"    schedule  {expr or 'off'}" + (f"   next {next_run:%Y-%m-%d %H:%M} (Muscat)" if next_run else ""))
        run = last.get(name)
        if run is None:
            click.echo("    last run  never")
        else:
            started = run.started_at.replace(tzinfo=dt.timezone.utc).astimezone(MUSCAT)
            click.echo(f"    last run  {started:%Y-%m-%d %H:%M} (Muscat), {run.trigger}, {run.status}"
                       f"{_counts(run.counts)}")


@jobs_cli.command("run")
@click.argument("name")
def run_command(name: str) -> None:
    """Run one job once, now (under its lock, recorded like a scheduled run)."""
    from jobs.scheduler import JOBS, UnknownJob, run_now

    try:
        result = run_now(current_app._get_current_object(), name, trigger="manual")
    except UnknownJob:
        raise click.ClickException(f"There is no job named {name!r}; the jobs are: {', '.join(JOBS)}.") from None
    _report(result)


@registry_cli.command("sync")
@click.option("--full", is_flag=True, help="Read the whole registry again instead of the changes since last time.")
def registry_sync_command(full: bool) -> None:
    """Synchronise companies and signatories with the commercial registry, with a progress bar."""
    from tqdm import tqdm

    import logging

    from jobs.scheduler import run_now

    # The operator reads the bar and the last line; the run itself is recorded (Operations -> Job runs).
    logging.disable(logging.WARNING)
    try:
        with tqdm(unit=" companies", desc="full import" if full else "changes", file=sys.stderr,
                  disable=None, leave=False) as bar:
            result = run_now(current_app._get_current_object(), "registry_full_sync" if full else "registry_sync",
                             trigger="cli", progress=bar.update)
    finally:
        logging.disable(logging.NOTSET)
    _report(result)


def register_job_commands(app) -> None:
    app.cli.add_command(jobs_cli)
    app.cli.add_command(registry_cli)


def _counts(counts) -> str:
    if not counts:
        return ""
    return " (" + ", ".join(f"{key} {value}" for key, value in counts.items()) + ")"


def _report(result) -> None:
    if result.status == "ok":
        click.echo(f"{result.name}: ok{_counts(result.counts)}")
        if "companies" in result.counts:
            click.echo(f"{result.counts['companies']} companies read from the registry.")
        return
    if result.status == "skipped":
        click.echo(f"{result.name}: not run, another run holds its lock.", err=True)
    else:
        # One line: the traceback is kept on the run (Operations -> Job runs).
        click.echo(f"{result.name}: failed (job run #{result.run_id}): {result.summary or 'see the job run'}",
                   err=True)
    sys.exit(1)
