"""Signing keys and certificates: read from PEM text or files, or made once for development."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KeyPair:
    """A PEM private key and the PEM certificate that carries its public half."""

    cert_pem: str
    key_pem: str


def self_signed(common_name: str, *, days: int = 3650, key_size: int = 2048) -> KeyPair:
    """A new RSA key and a self-signed certificate for it (SAML peers trust the certificate itself)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return KeyPair(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii"),
    )


def load_or_create(directory: str | Path, common_name: str) -> KeyPair:
    """The pair kept in `directory` (cert.pem, key.pem), made on first use; the key file is private."""
    import fcntl

    directory = Path(directory)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    if not (cert_path.exists() and key_path.exists()):
        directory.mkdir(parents=True, exist_ok=True)
        # Several workers may start together: one makes the pair, the others wait and read it.
        with open(directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (cert_path.exists() and key_path.exists()):
                pair = self_signed(common_name)
                _write(key_path, pair.key_pem, 0o600)
                _write(cert_path, pair.cert_pem, 0o644)
    return KeyPair(cert_pem=cert_path.read_text(), key_pem=key_path.read_text())


def _write(path: Path, text: str, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def pem_body(pem: str) -> str:
    """The base64 body of a PEM block on one line, as SAML metadata carries a certificate."""
    lines = [line.strip() for line in pem.strip().splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))
