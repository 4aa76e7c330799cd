"""Ghurfa's `flask` commands: init, demo data, the audit chain check and signed certificates."""
from __future__ import annotations

import functools

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.cli_audit import audit_cli
from app.cli_certificates import certificates_cli
from app.cli_jobs import register_job_commands

ghurfa_cli = AppGroup("ghurfa", help="Set up Ghurfa's database.")
demo_cli = AppGroup("demo", help="Demonstration data (development only).")


@ghurfa_cli.command("init")
@click.option("--demo/--no-demo", default=None, help="Load demo data (default: LOAD_DEMO_DATA).")
def init_command(demo: bool | None) -> None:
    """Migrate the schema, create roles and permissions, load reference data."""
    from app.services.setup.bootstrap import prepare_database

    prepare_database(demo=demo)
    click.echo("Database ready.")


@demo_cli.command("load")
def demo_load_command() -> None:
    """Load the demo grades, fee schedule, companies, memberships and users."""
    from flask import current_app

    from app.services.setup.demo import load_demo_data

    if current_app.config.get("PRODUCTION"):
        raise click.ClickException("Demo data is never loaded in production.")
    from app.services.setup.demo import ReferenceDataMissing

    try:
        summary = load_demo_data(only_once=False)
    except ReferenceDataMissing:
        raise click.ClickException("The database has no reference data yet: run `flask ghurfa init` first.") from None
    click.echo(f"Demo data loaded: {summary}")


class MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's commands, bound to the app (and Alembic imported) when one is run."""

    def __init__(self, app: Flask) -> None:
        # The options and callback of Flask-Migrate's own `db` group, which its commands read from `g`.
        super().__init__("db", help="Perform database migrations.", callback=with_appcontext(self._options), params=[
            click.Option(["-d", "--directory"], default=None,
                         help='Migration script directory (default is "migrations")'),
            click.Option(["-x", "--x-arg"], multiple=True,
                         help="Additional arguments consumed by custom env.py scripts"),
        ])
        self._app = app

    @staticmethod
    def _options(directory, x_arg) -> None:
        from flask import g

        g.directory = directory
        g.x_arg = x_arg

    def _commands(self) -> click.Group:
        from app.extensions import bind_migrations

        bind_migrations(self._app)
        from flask_migrate.cli import db

        return db

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._commands().get_command(ctx, name)


def register_cli(app: Flask) -> None:
    app.cli.add_command(MigrationCommands(app))
    for group in (ghurfa_cli, demo_cli, audit_cli, certificates_cli):
        app.cli.add_command(group)
    register_job_commands(app)
    from app.cli_export import export_command

    app.cli.add_command(export_command)
    from app.operations.doctor import doctor_command

    app.cli.add_command(doctor_command)
    for name in ("ghurfa", "demo", "audit", "jobs", "registry", "export", "certificates"):
        _one_line_errors(app.cli.commands[name])


def _one_line_errors(command: click.Command) -> None:
    """A database that cannot be reached or was never migrated ends the command with one line, not a traceback."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _one_line_errors(sub)
        return
    callback = command.callback
    if callback is None or getattr(callback, "_ghurfa_one_line", False):
        return

    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return callback(*args, **kwargs)
        except (OperationalError, ProgrammingError) as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
            raise click.ClickException(
                f"The database cannot be used ({reason}). Check DATABASE_URL and run `flask ghurfa init`.") from None

    guarded._ghurfa_one_line = True
    command.callback = guarded
