"""`flask audit verify|public-key|check-file`: the audit chain, its signed checkpoints, and an auditor's own copy."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit log and its signed checkpoints.")


def describe(report, path: Path) -> str:
    """One line for a failed check: what is missing, rewritten or altered, and from which entry."""
    if report.problem == "truncated":
        return (f"Audit log truncated: entries {report.first_bad_seq} to {report.last_bad_seq} are missing "
                f"(entry {report.last_bad_seq} was signed in the checkpoint of {report.checkpoint_at}); "
                f"entries up to {report.checked} match the checkpoints.")
    if report.problem == "rewritten":
        return (f"Audit log rewritten: entries from {report.first_bad_seq} to {report.last_bad_seq} no longer match "
                f"the checkpoint of {report.checkpoint_at} (entry {report.last_bad_seq}); "
                f"entries up to {report.checked} match the checkpoints.")
    if report.problem == "bad checkpoint file":
        return (f"The checkpoint file {path} was altered at line {report.bad_line}: "
                "it is not a checkpoint signed with this server's key after the one before it.")
    return (f"Audit log broken at entry {report.first_bad_seq}: {report.problem} "
            f"({report.checked} entries before it are intact).")


@audit_cli.command("verify")
def audit_verify_command() -> None:
    """Walk the hash chain and compare it with the signed checkpoints; exit 1 on any difference."""
    from app.extensions import db
    from app.services.audit import checkpoints as audit_checkpoints
    from app.services.audit.trail import acting_as
    from app.services.audit.verification import verify_and_record

    path = audit_checkpoints.checkpoint_path(current_app.config)
    try:
        with acting_as(f"cli:{getpass.getuser()}"):
            report = verify_and_record(db.session)
    except audit_checkpoints.CheckpointKeyMissing:
        raise click.ClickException("AUDIT_CHECKPOINT_KEY is not set: checkpoints cannot be signed or checked.") from None
    except OSError as error:
        raise click.ClickException(f"The checkpoint file {path} cannot be used: {error.strerror}.") from None
    if report.ok:
        click.echo(f"Audit log intact: {report.checked} entries checked; "
                   f"checkpoint of entry {report.checked + 1} appended to {path}.")
        return
    click.echo(describe(report, path), err=True)
    sys.exit(1)


@audit_cli.command("public-key")
def audit_public_key_command() -> None:
    """Print the public key that checks the checkpoints' signatures (give it to the auditors)."""
    from app.services.audit import checkpoints as audit_checkpoints

    try:
        click.echo(audit_checkpoints.public_key_pem(current_app.config), nl=False)
    except audit_checkpoints.CheckpointKeyMissing:
        raise click.ClickException("AUDIT_CHECKPOINT_KEY is not set.") from None


@audit_cli.command("check-file")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--public-key", "public_key", type=click.Path(dir_okay=False), required=True,
              help="The PEM file `flask audit public-key` printed.")
def audit_check_file_command(file: str, public_key: str) -> None:
    """Check an auditor's copy of the checkpoint file with the public key only; print its last checkpoint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from app.services.audit import checkpoints as audit_checkpoints

    try:
        key = load_pem_public_key(Path(public_key).read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError
    except OSError as error:
        raise click.ClickException(f"The public key {public_key} cannot be read: {error.strerror}.") from None
    except ValueError:
        raise click.ClickException(f"{public_key} is not an Ed25519 public key in PEM.") from None
    if not Path(file).is_file():
        raise click.ClickException(f"The checkpoint file {file} does not exist.")
    found = audit_checkpoints.read_file(Path(file), key)
    if found.bad_line is not None:
        click.echo(f"{file}: line {found.bad_line} is not a checkpoint signed by this key after the one before it "
                   f"({len(found.checkpoints)} good checkpoints before it).", err=True)
        sys.exit(1)
    if not found.checkpoints:
        raise click.ClickException(f"{file} holds no checkpoint.")
    last = found.checkpoints[-1]
    click.echo(f"{len(found.checkpoints)} checkpoints, all signed; the last: entry {last.seq}, "
               f"hash {last.hash}, {last.at_muscat}.")
