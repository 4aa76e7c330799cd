"""`flask certificates verify FILE.pdf | sign-queued`: the public PDF check from the command line, and the signing queue."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.domain.labels import SIGNATURE_CHECKS

certificates_cli = AppGroup("certificates", help="Signed certificate PDFs: check one, sign the queued.")

STATUS_LINES = {
    "valid": "The certificate is valid.",
    "expired": "The certificate has expired.",
    "superseded": "The certificate was replaced by a newer certificate, serial {newer}.",
    "revoked": "The certificate was revoked and is not valid.",
}


@certificates_cli.command("verify")
@click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(pdf_file: Path) -> None:
    """Check a PDF as the public check page does; exit 0 only for a genuine certificate still valid."""
    from app.extensions import db
    from app.infrastructure.clock import today
    from app.services.certificates.checking import check_pdf

    limit = int(current_app.config["SIGNED_PDF_MAX_BYTES"])
    with pdf_file.open("rb") as handle:
        data = handle.read(limit + 1)
    result = check_pdf(db.session, data, today=today(current_app.config))
    click.echo(SIGNATURE_CHECKS[result.outcome])
    if result.certificate is None:
        raise SystemExit(1)
    certificate = result.certificate
    click.echo(f"Serial {certificate.serial}, {certificate.snapshot.get('company_name_en')}, "
               f"CR {certificate.snapshot.get('cr_number')}, expires {certificate.expires_on.isoformat()}; "
               f"signed (time-stamped) {result.signed_at:%Y-%m-%d %H:%M %Z}.")
    click.echo(STATUS_LINES[result.status].format(newer=result.newer.serial if result.newer else ""))
    raise SystemExit(0 if result.status == "valid" else 1)


@certificates_cli.command("sign-queued")
@click.option("--limit", default=100, show_default=True, help="Certificates to sign in this run.")
def sign_queued_command(limit: int) -> None:
    """Sign the certificates in force that have no signed PDF yet (issued while signing failed)."""
    from app.extensions import db
    from app.services.certificates.signed import sign_queued

    done, failed = sign_queued(db.session, limit=limit)
    click.echo(f"{done} certificate(s) signed, {failed} still queued.")
    if failed:
        raise SystemExit(1)
