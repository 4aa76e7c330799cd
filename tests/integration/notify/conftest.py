"""Real peers on 127.0.0.1 for the notification senders: SMTP servers (plain, STARTTLS, SSL) and an SMS gateway."""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SMTP_USER = "portal"
SMTP_PASSWORD = "s3cret-for-tests"


def free_port() -> int:
    """A port nobody listens on right now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1 and localhost, made fresh for the run."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return TlsFiles(cert_path, key_path)


# --- SMTP ---------------------------------------------------------------------

@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    over_tls: bool
    authenticated: bool


class MailboxHandler:
    """An SMTP server's policy: some recipients are refused, the rest are kept for the test to read.

    ``unknown@`` gets 550, ``busy@`` gets 450 and mail to ``spam@`` is refused after DATA (554).
    """

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local == "unknown":
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local == "busy":
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(rcpt.startswith("spam@") for rcpt in envelope.rcpt_tos):
            return "554 5.7.1 Message rejected as spam"
        self.received.append(ReceivedMail(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            content=envelope.original_content or envelope.content,
            over_tls=server.transport.get_extra_info("ssl_object") is not None,
            authenticated=bool(session.authenticated),
        ))
        return "250 2.0.0 Ok: queued as TEST1"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode())
    # handled=False lets the server answer a failure with 535 itself.
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server(tls_files):
    """Start SMTP servers on loopback: ``smtp_server(security, port=None, auth=False)``.

    Returns (handler, port). Every server started is stopped after the test.
    """
    started: list[Controller] = []

    def start(security: str = "none", port: int | None = None, auth: bool = False):
        handler = MailboxHandler()
        kwargs = {}
        if security == "starttls":
            kwargs.update(tls_context=tls_files.server_context(), require_starttls=True)
        elif security == "ssl":
            kwargs.update(ssl_context=tls_files.server_context())
        if auth:
            kwargs.update(authenticator=check_login, auth_required=True)
            if security == "ssl":
                # aiosmtpd does not count implicit TLS as TLS and would hide AUTH, and it
                # warns when AUTH is required without its own TLS; the link is encrypted
                # anyway, and the tests check that the client did log in.
                kwargs.update(auth_require_tls=False, auth_required=False)
        controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(),
                                server_hostname="mx.test", **kwargs)
        controller.start()
        started.append(controller)
        return handler, controller.port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def smtp_login() -> tuple[str, str]:
    """The only username and password the test SMTP servers accept."""
    return SMTP_USER, SMTP_PASSWORD


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def silent_port():
    """A port that accepts TCP connections but never says anything (a hung server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


# --- SMS gateway -----------------------------------------------------------------

@dataclass
class GatewayRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass
class SmsGatewayPeer:
    """A small SMS provider: answers from ``script`` first, then accepts with a fresh message id."""

    url: str = ""
    requests: list[GatewayRequest] = field(default_factory=list)
    script: list[tuple[int, str]] = field(default_factory=list)
    stall: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_first(self, times: int, status: int = 503, body: str = "Service Unavailable") -> None:
        self.script.extend([(status, body)] * times)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        with self.lock:
            self.requests.append(GatewayRequest(
                method=handler.command, path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True, encoding="utf-8", errors="strict"),
                headers={k.lower(): v for k, v in handler.headers.items()}, body=body))
            number = len(self.requests)
            status, text = self.script.pop(0) if self.script else (
                200, json.dumps({"status": "ok", "result": {"message_id": f"gw-{number}"}}))
        if self.stall:
            self.release.wait(10)
        payload = text.encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if text.startswith("{") else "text/plain")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


@pytest.fixture
def sms_gateway():
    peer = SmsGatewayPeer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            peer.answer(self)

        do_POST = do_PUT = do_GET

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    peer.url = f"http://127.0.0.1:{server.server_address[1]}/api/sms/send"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield peer
    peer.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)
