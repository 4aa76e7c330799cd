"""`flask export ENTITY --format csv|xlsx --from DATE --to DATE --out FILE`: the back office's export, from a shell."""
from __future__ import annotations

import datetime as dt
import getpass
import os
import sys

import click
from flask.cli import with_appcontext


def _day(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD).") from None


def _entity_names() -> list[str]:
    from app.services.exports.catalogue import ENTITIES

    return sorted(ENTITIES)


@click.command("export")
@click.argument("entity", type=click.Choice(_entity_names()))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--from", "date_from", callback=_day, metavar="YYYY-MM-DD", help="First day (included).")
@click.option("--to", "date_to", callback=_day, metavar="YYYY-MM-DD", help="Last day (included).")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="File to write ('-' for standard output).")
@click.option("--language", type=click.Choice(["en", "ar"]), default="en", show_default=True,
              help="Language of the column headers.")
@click.option("--progress/--no-progress", default=True, help="Progress bar on standard error.")
@with_appcontext
def export_command(entity: str, fmt: str, date_from, date_to, out: str, language: str, progress: bool) -> None:
    """Export ENTITY (optionally one period of it) as CSV or XLSX; the export is written to the audit log."""
    from flask import current_app
    from sqlalchemy import func, select
    from tqdm import tqdm

    from app.extensions import db
    from app.services.audit import trail as audit
    from app.services.exports.errors import ExportError
    from app.services.exports.export import ExportRequest, open_export

    request = ExportRequest(entity=entity, fmt=fmt, language=language, date_from=date_from, date_to=date_to)
    actor = f"cli:{getpass.getuser()}"
    with audit.acting_as(actor):
        try:
            export = open_export(db.session, request, current_app.config)
        except ExportError as error:
            raise click.ClickException(str(error)) from None
        total = None
        if progress:
            total = db.session.scalar(select(func.count()).select_from(export.statement.order_by(None).subquery()))
        bar = tqdm(total=total, unit=" rows", file=sys.stderr, disable=not progress, dynamic_ncols=True)
        target = sys.stdout.buffer if out == "-" else open(out + ".part", "wb")
        try:
            seen = 0
            for chunk in export.chunks():
                target.write(chunk)
                bar.update(export.rows_written - seen)
                seen = export.rows_written
        except BaseException:
            if out != "-":
                target.close()
                os.unlink(out + ".part")
            raise
        finally:
            bar.close()
        if out != "-":
            target.close()
            os.replace(out + ".part", out)  # a half-written file never takes the final name
    click.echo(f"{export.rows_written} rows of {entity} written to {out}.", err=True)
