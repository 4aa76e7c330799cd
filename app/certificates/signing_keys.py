"""The chamber's signing key, its trust roots and its time-stamping authority, as configuration names them.

Production names a PKCS#12 file (`SIGNING_PKCS12`, its password in `SIGNING_PKCS12_PASSWORD`)
or a PKCS#11 token (`SIGNING_PKCS11_MODULE`, `SIGNING_PKCS11_TOKEN`, `SIGNING_PKCS11_KEY_LABEL`,
`SIGNING_PKCS11_PIN`: an HSM), and an RFC 3161 time-stamping authority (`TSA_URL`); create_app
refuses to start without them. Outside production an unconfigured instance makes a chamber CA, a
signing certificate and a time-stamping certificate of its own under INSTANCE_DIR/signing/ on
first run (and says so in the log), and stamps time with pyHanko's in-process TSA on that CA.

The trust roots a PDF is checked against are `SIGNING_TRUST_ROOTS` (PEM files, comma-separated)
when set, otherwise the self-signed certificates of the key's own chain (the chamber's CA).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

log = logging.getLogger("ghurfa.signing")

DEV_FOLDER = "signing"
DEV_CA_FILE = "chamber-ca.pem"
DEV_SIGNER_FILE = "chamber-signing.p12"
DEV_TSA_FILE = "chamber-tsa.p12"
#: What the development signing certificate is called; never a production name.
DEV_SIGNER_NAME = "Oman Chamber of Commerce and Industry (development signing key)"


class SigningNotConfigured(RuntimeError):
    """No usable signing key: the configuration names none, or names one that cannot be read."""


@dataclass(frozen=True)
class SigningKey:
    """What signing and checking need: a pyHanko signer, the roots to trust, a time-stamper."""

    signer: object  # pyhanko.sign.signers.Signer
    trust_roots: tuple[asn1_x509.Certificate, ...]
    tsa_trust_roots: tuple[asn1_x509.Certificate, ...]
    timestamper: object  # pyhanko.sign.timestamps.TimeStamper
    not_after: dt.datetime  # the signing certificate's expiry (UTC, aware)
    subject: str


def configured(config) -> bool:
    """Whether the configuration names a real signing key (PKCS#12 file or PKCS#11 token)."""
    return bool(config.get("SIGNING_PKCS12") or config.get("SIGNING_PKCS11_MODULE"))


_CACHE_LOCK = threading.Lock()
_CACHE: dict[tuple, SigningKey] = {}


def signing_key(config) -> SigningKey:
    """The configured key, loaded once per process and configuration (loading a PKCS#12 costs)."""
    names = ("SIGNING_PKCS12", "SIGNING_PKCS12_PASSWORD", "SIGNING_PKCS11_MODULE", "SIGNING_PKCS11_TOKEN",
             "SIGNING_PKCS11_KEY_LABEL", "SIGNING_TRUST_ROOTS", "TSA_URL", "TSA_TRUST_ROOTS", "SIGNING_DEV_TSA")
    cache_key = tuple(str(config.get(name)) for name in names)
    with _CACHE_LOCK:
        if cache_key not in _CACHE:
            _CACHE[cache_key] = _load(config)
        return _CACHE[cache_key]


def _load(config) -> SigningKey:
    from pyhanko.sign import signers

    if config.get("SIGNING_PKCS12"):
        path = Path(config["SIGNING_PKCS12"])
        password = (config.get("SIGNING_PKCS12_PASSWORD") or "").encode() or None
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=(), passphrase=password)
        except (OSError, ValueError) as exc:
            raise SigningNotConfigured(f"the signing PKCS#12 file {path} cannot be read: {type(exc).__name__}") from exc
        if signer is None:
            raise SigningNotConfigured(f"the signing PKCS#12 file {path} cannot be opened with its password")
    elif config.get("SIGNING_PKCS11_MODULE"):
        signer = _pkcs11_signer(config)
    else:
        raise SigningNotConfigured("no signing key is configured (SIGNING_PKCS12 or SIGNING_PKCS11_MODULE)")
    chain = [signer.signing_cert, *list(signer.cert_registry or ())]
    roots = _read_pem_files(config.get("SIGNING_TRUST_ROOTS")) or tuple(
        cert for cert in chain if cert.self_signed == "maybe" or cert.self_signed == "yes")
    if not roots:
        raise SigningNotConfigured("no trust root: set SIGNING_TRUST_ROOTS to the chamber CA's certificate")
    timestamper, tsa_roots = _timestamper(config, roots)
    not_after = signer.signing_cert["tbs_certificate"]["validity"]["not_after"].native
    return SigningKey(signer=signer, trust_roots=roots, tsa_trust_roots=tsa_roots, timestamper=timestamper,
                      not_after=not_after, subject=signer.signing_cert.subject.human_friendly)


def _pkcs11_signer(config):
    # python-pkcs11 is needed only where an HSM is used; it is not a dependency otherwise.
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        session = pkcs11.open_pkcs11_session(config["SIGNING_PKCS11_MODULE"],
                                             token_criteria=TokenCriteria(label=config.get("SIGNING_PKCS11_TOKEN")),
                                             user_pin=config.get("SIGNING_PKCS11_PIN"))
    except Exception as exc:  # a missing python-pkcs11, module or token: all the same to the operator
        raise SigningNotConfigured(f"the PKCS#11 token cannot be opened: {type(exc).__name__}") from exc
    label = config.get("SIGNING_PKCS11_KEY_LABEL")
    return pkcs11.PKCS11Signer(session, key_label=label, cert_label=label)


def _timestamper(config, roots):
    if config.get("TSA_URL"):
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return (HTTPTimeStamper(config["TSA_URL"], timeout=int(config.get("TSA_TIMEOUT_SECONDS") or 10)),
                _read_pem_files(config.get("TSA_TRUST_ROOTS")) or roots)
    if config.get("SIGNING_DEV_TSA"):
        tsa_cert, tsa_key, tsa_chain = _read_pkcs12(Path(config["SIGNING_DEV_TSA"]),
                                                    config.get("SIGNING_PKCS12_PASSWORD"))
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        return local_timestamper(tsa_cert, tsa_key, SimpleCertificateStore.from_certs(tsa_chain)), roots
    raise SigningNotConfigured("no time-stamping authority: set TSA_URL")


def local_timestamper(tsa_cert, tsa_key, certs_to_embed=None):
    """pyHanko's in-process time-stamping authority, its RSA key parsed once rather than on every stamp.

    DummyTimeStamper parses (and checks) its key for each token it signs, some 15 ms each: more
    than the rest of a signature. The token is the same; only the key's parsing is kept.
    """
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class LocalTimeStamper(DummyTimeStamper):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._private_key = serialization.load_der_private_key(self.tsa_key.dump(), password=None)

        def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
            from asn1crypto import cms, core

            from pyhanko.sign import general

            digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
            digest.update(tst_info_data)
            signed_attrs = cms.CMSAttributes([
                general.simple_cms_attribute("content_type", "tst_info"),
                general.simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                general.simple_cms_attribute("signing_certificate", general.as_signing_certificate(self.tsa_cert)),
                general.simple_cms_attribute("message_digest", digest.finalize()),
            ])
            signature = self._private_key.sign(signed_attrs.dump(), PKCS1v15(),
                                               get_pyca_cryptography_hash(md_algorithm.upper()))
            return signature, signed_attrs

    return LocalTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=certs_to_embed)


def _read_pem_files(names: str | None) -> tuple[asn1_x509.Certificate, ...]:
    out = []
    for name in (names or "").split(","):
        if not name.strip():
            continue
        data = Path(name.strip()).read_bytes()
        if pem.detect(data):
            out.extend(asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
        else:
            out.append(asn1_x509.Certificate.load(data))
    return tuple(out)


def _read_pkcs12(path: Path, password: str | None):
    key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), (password or "").encode() or None)
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            asn1_keys.PrivateKeyInfo.load(der_key),
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain or ()])


# --- the development chamber CA --------------------------------------------------------------


def prepare_development_key(config, instance_dir: Path, *, now: dt.datetime) -> bool:
    """Outside production with no key configured: use (or make once) a local CA under instance/signing/.

    Sets SIGNING_PKCS12 and SIGNING_DEV_TSA in `config`; True when the files were made now.
    """
    folder = Path(instance_dir) / DEV_FOLDER
    signer_file, tsa_file = folder / DEV_SIGNER_FILE, folder / DEV_TSA_FILE
    made = False
    if not signer_file.exists() or not tsa_file.exists():
        make_chamber_ca(folder, password=config["SIGNING_PKCS12_PASSWORD"], now=now,
                        chamber_name=DEV_SIGNER_NAME)
        made = True
    config["SIGNING_PKCS12"] = str(signer_file)
    if not config.get("TSA_URL"):
        config["SIGNING_DEV_TSA"] = str(tsa_file)
    return made


def make_chamber_ca(folder: Path, *, password: str, now: dt.datetime, chamber_name: str,
                    signer_days: int = 730, ca_common_name: str = "Ghurfa development chamber CA") -> None:
    """A CA (P-256), a signing certificate issued by it and an RSA time-stamping certificate, as files.

    chamber-ca.pem (the CA's certificate), chamber-signing.p12 and chamber-tsa.p12 (key, certificate
    and the CA's certificate, under `password`). Used by development and by the tests.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_common_name),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "OM")])
    ca_cert = (_builder(ca_name, ca_name, ca_key.public_key(), now, 3650)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(_key_usage(cert_sign=True), critical=True)
               .sign(ca_key, hashes.SHA256()))
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, chamber_name),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, chamber_name),
                             x509.NameAttribute(NameOID.COUNTRY_NAME, "OM")])
    signer_cert = (_builder(signer_name, ca_name, signer_key.public_key(), now, signer_days)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(_key_usage(), critical=True)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                  critical=False)
                   .sign(ca_key, hashes.SHA256()))
    # pyHanko's in-process time-stamper signs with RSA only.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{ca_common_name} time-stamping")])
    tsa_cert = (_builder(tsa_name, ca_name, tsa_key.public_key(), now, 3650)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(_key_usage(), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                .sign(ca_key, hashes.SHA256()))
    encryption = serialization.BestAvailableEncryption(password.encode())
    (folder / DEV_CA_FILE).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    for name, key, cert in ((DEV_SIGNER_FILE, signer_key, signer_cert), (DEV_TSA_FILE, tsa_key, tsa_cert)):
        path = folder / name
        path.write_bytes(pkcs12.serialize_key_and_certificates(b"chamber", key, cert, [ca_cert], encryption))
        path.chmod(0o600)


def _builder(subject, issuer, public_key, now: dt.datetime, days: int) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))


def _key_usage(*, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not cert_sign, content_commitment=not cert_sign, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)
