"""Ghurfa's `flask` commands: init, demo data and the audit chain check."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli_audit import audit_cli
from app.cli_jobs import register_job_commands
from app.extensions import db

ghurfa_cli = AppGroup("ghurfa", help="Set up Ghurfa's database.")
demo_cli = AppGroup("demo", help="Demonstration data (development only).")


@ghurfa_cli.command("init")
@click.option("--demo/--no-demo", default=None, help="Load demo data (default: LOAD_DEMO_DATA).")
def init_command(demo: bool | None) -> None:
    """Migrate the schema, create roles and permissions, load reference data."""
    from app.services.bootstrap import prepare_database

    prepare_database(demo=demo)
    click.echo("Database ready.")


@demo_cli.command("load")
def demo_load_command() -> None:
    """Load the demo grades, fee schedule, companies, memberships and users."""
    from flask import current_app

    from app.services.demo import load_demo_data

    if current_app.config.get("PRODUCTION"):
        raise click.ClickException("Demo data is never loaded in production.")
    summary = load_demo_data(only_once=False)
    click.echo(f"Demo data loaded: {summary}")


def register_cli(app: Flask) -> None:
    for group in (ghurfa_cli, demo_cli, audit_cli):
        app.cli.add_command(group)
    register_job_commands(app)
    from app.cli_export import export_command

    app.cli.add_command(export_command)
