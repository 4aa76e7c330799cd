"""Mail delivery: the message, the Mailer interface, an SMTP client and the development outbox."""
from __future__ import annotations

import email.policy
import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from flask_babel import lazy_gettext as _l

from app.adapters.delivery import (
    AdapterConfigError,
    Clock,
    DeliveryFailed,
    DeliveryReceipt,
    InvalidMessage,
    config_choice,
    config_number,
    config_required,
    config_str,
    outbox_dir,
    utc_now,
    write_outbox_file,
)

__all__ = [
    "DeliveryFailed", "DeliveryReceipt", "InvalidMessage", "AdapterConfigError",
    "MailAttachment", "MailMessage", "Mailer", "SmtpMailer", "OutboxMailer", "build_email", "make_mailer",
    "SECURITY_MODES",
]

log = logging.getLogger(__name__)

SECURITY_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_OUTBOX_SENDER = "Ghurfa <no-reply@localhost>"

# Bodies sent over SMTP stay 7-bit clean (Arabic goes as base64), so no relay on
# the way has to support 8BITMIME. Outbox files keep UTF-8 text as is, so a
# developer can read them in an editor.
_SMTP_POLICY = email.policy.SMTP.clone(cte_type="7bit")
_OUTBOX_POLICY = email.policy.SMTP


def parse_address(value: Any) -> Address:
    """One mailbox (``a@b.om`` or ``Name <a@b.om>``), or InvalidMessage."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidMessage(_l("An email address is missing."))
    if "\r" in value or "\n" in value:
        raise InvalidMessage(_l("An email address must be on one line."))
    invalid = InvalidMessage(_l("%(value)s is not a valid email address.", value=value))
    try:
        header = email.policy.default.header_factory("To", value)
    except (HeaderParseError, IndexError, ValueError):
        # The parser trips over some broken input (e.g. "a@") instead of reporting a defect.
        raise invalid from None
    addresses = header.addresses
    if header.defects or len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise invalid
    return addresses[0]


@dataclass(frozen=True)
class MailAttachment:
    """A file sent with a mail (a certificate PDF)."""

    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


@dataclass(frozen=True)
class MailMessage:
    """One mail to one recipient; checked when built, so a bad address never reaches a sender."""

    to: str
    subject: str
    text_body: str
    html_body: str | None = None
    reply_to: str | None = None
    message_id: str | None = None
    attachments: tuple[MailAttachment, ...] = ()

    def __post_init__(self) -> None:
        parse_address(self.to)
        if not isinstance(self.subject, str) or not self.subject.strip():
            raise InvalidMessage(_l("The subject of the mail is missing."))
        if "\r" in self.subject or "\n" in self.subject:
            raise InvalidMessage(_l("The subject of the mail must be on one line."))
        if not isinstance(self.text_body, str) or not self.text_body.strip():
            raise InvalidMessage(_l("The text of the mail is missing."))
        if self.html_body is not None and (not isinstance(self.html_body, str) or not self.html_body.strip()):
            raise InvalidMessage(_l("The HTML part of the mail is empty."))
        if self.reply_to is not None:
            parse_address(self.reply_to)
        if self.message_id is not None:
            mid = self.message_id
            if (not isinstance(mid, str) or not (mid.startswith("<") and mid.endswith(">") and "@" in mid)
                    or any(c.isspace() for c in mid)):
                raise InvalidMessage(
                    _l("%(value)s is not a valid message id (expected <id@domain>).", value=mid))


def build_email(msg: MailMessage, sender: str, *, now, eight_bit: bool = False) -> EmailMessage:
    """The RFC 5322 message for ``msg``: UTF-8 headers and text, multipart/alternative with HTML.

    ``now`` (an aware datetime) fills the Date header; the Message-ID is the
    message's own or a new one in the sender's domain.
    """
    from_address = parse_address(sender)
    if now.tzinfo is None:
        raise ValueError("the mail date must be an aware datetime")
    em = EmailMessage(policy=_OUTBOX_POLICY if eight_bit else _SMTP_POLICY)
    em["From"] = from_address
    em["To"] = parse_address(msg.to)
    if msg.reply_to:
        em["Reply-To"] = parse_address(msg.reply_to)
    em["Subject"] = msg.subject
    em["Date"] = format_datetime(now)
    em["Message-ID"] = msg.message_id or make_msgid(domain=from_address.domain)
    # RFC 3834: tells vacation responders not to answer a notification.
    em["Auto-Submitted"] = "auto-generated"
    em.set_content(msg.text_body, charset="utf-8")
    if msg.html_body:
        em.add_alternative(msg.html_body, subtype="html", charset="utf-8")
        for part in em.iter_parts():
            # The email package repeats MIME-Version on added parts; only the top needs it.
            del part["MIME-Version"]
    for attachment in msg.attachments:
        em.add_attachment(attachment.content, maintype=attachment.maintype, subtype=attachment.subtype,
                          filename=attachment.filename)
    return em


@runtime_checkable
class Mailer(Protocol):
    """Sends one mail; returns a receipt or raises DeliveryFailed."""

    def send(self, msg: MailMessage) -> DeliveryReceipt: ...


def _reply_text(raw: Any) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return str(raw)


class SmtpMailer:
    """Sends through an SMTP server, one connection per mail.

    Problems of the session (cannot connect, TLS, login) are transient: they hit
    every mail alike and go away when the server or the configuration is fixed,
    so the dispatcher keeps the mail queued. Answers about this very mail follow
    SMTP's own rule: 4xx try again, 5xx give up.
    """

    def __init__(self, host: str, port: int | None, security: str, username: str | None,
                 password: str | None, sender: str, timeout: float = 10.0, *,
                 ssl_context: ssl.SSLContext | None = None, local_hostname: str | None = None,
                 clock: Clock | None = None):
        if not host:
            raise AdapterConfigError(_l("The mail server host is missing."))
        if security not in SECURITY_MODES:
            raise AdapterConfigError(
                _l("Unknown mail security %(value)s; use none, starttls or ssl.", value=repr(security)))
        port = DEFAULT_PORTS[security] if port is None else port
        if not isinstance(port, int) or not 0 < port < 65536:
            raise AdapterConfigError(_l("The mail server port %(value)s is not valid.", value=repr(port)))
        if timeout is None or timeout <= 0:
            raise AdapterConfigError(_l("The mail timeout must be greater than zero."))
        if bool(username) != bool(password):
            raise AdapterConfigError(_l("Give both the mail username and the mail password, or neither."))
        if username and security == "none":
            # Never put the password on the wire in clear text.
            raise AdapterConfigError(
                _l("The mail password is only sent over TLS; set the mail security to starttls or ssl."))
        try:
            parse_address(sender)
        except InvalidMessage as exc:
            raise AdapterConfigError(exc.message) from None
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.sender = sender
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.local_hostname = local_hostname
        self._clock = clock or utc_now

    def send(self, msg: MailMessage) -> DeliveryReceipt:
        em = build_email(msg, self.sender, now=self._clock())
        client = self._open()
        try:
            self._login(client)
            self._deliver(client, em)
        finally:
            self._close(client)
        log.info("mail to %s sent through %s:%s (%s)", msg.to, self.host, self.port, em["Message-ID"])
        return DeliveryReceipt(provider_id=str(em["Message-ID"]))

    @property
    def address(self) -> str:
        """host:port, as the server is named in errors."""
        return f"{self.host}:{self.port}"

    def _session_failed(self, error: Any) -> DeliveryFailed:
        return DeliveryFailed(
            _l("Could not talk to the mail server %(server)s: %(error)s",
               server=self.address, error=str(error) or type(error).__name__),
            permanent=False)

    def _open(self) -> smtplib.SMTP:
        if self.security == "ssl":
            client = smtplib.SMTP_SSL(local_hostname=self.local_hostname, timeout=self.timeout,
                                      context=self.ssl_context)
        else:
            client = smtplib.SMTP(local_hostname=self.local_hostname, timeout=self.timeout)
        # smtplib sets the TLS server name only when the host goes to the constructor,
        # which then leaks the socket if the greeting fails; connect() ourselves instead.
        client._host = self.host
        try:
            code, reply = client.connect(self.host, self.port)
            if code != 220:
                raise self._session_failed(f"{code} {_reply_text(reply)}")
            if self.security == "starttls":
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise self._session_failed("the server does not offer STARTTLS")
                client.starttls(context=self.ssl_context)
                client.ehlo()
            return client
        except DeliveryFailed:
            client.close()
            raise
        except (smtplib.SMTPException, OSError) as exc:
            client.close()
            raise self._session_failed(exc) from exc

    def _login(self, client: smtplib.SMTP) -> None:
        if not self.username:
            return
        try:
            client.login(self.username, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            # Wrong credentials stop every mail, not this one: keep it queued.
            raise DeliveryFailed(
                _l("The mail server %(server)s refused the login: %(code)s %(reply)s",
                   server=self.address, code=exc.smtp_code, reply=_reply_text(exc.smtp_error)),
                permanent=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise self._session_failed(exc) from exc

    def _deliver(self, client: smtplib.SMTP, em: EmailMessage) -> None:
        envelope_from = em["From"].addresses[0].addr_spec
        envelope_to = em["To"].addresses[0].addr_spec
        try:
            client.send_message(em, from_addr=envelope_from, to_addrs=[envelope_to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise DeliveryFailed(
                _l("The mail server refused the recipient %(to)s: %(code)s %(reply)s",
                   to=envelope_to, code=code, reply=_reply_text(reply)),
                permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            # Sender refused, data refused or another answer about this mail.
            raise DeliveryFailed(
                _l("The mail server did not accept the mail: %(code)s %(reply)s",
                   code=exc.smtp_code, reply=_reply_text(exc.smtp_error)),
                permanent=exc.smtp_code >= 500) from exc
        except smtplib.SMTPNotSupportedError as exc:
            # An address that needs SMTPUTF8 on a server without it: this mail cannot go there.
            raise DeliveryFailed(
                _l("The mail server cannot carry this mail: %(error)s", error=str(exc)),
                permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise self._session_failed(exc) from exc

    @staticmethod
    def _close(client: smtplib.SMTP) -> None:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


class OutboxMailer:
    """The development default: each mail becomes an ``.eml`` file in a folder and a log line."""

    def __init__(self, folder: Path, sender: str = DEFAULT_OUTBOX_SENDER, *, clock: Clock | None = None):
        try:
            parse_address(sender)
        except InvalidMessage as exc:
            raise AdapterConfigError(exc.message) from None
        self.folder = Path(folder)
        self.sender = sender
        self._clock = clock or utc_now

    def send(self, msg: MailMessage) -> DeliveryReceipt:
        now = self._clock()
        em = build_email(msg, self.sender, now=now, eight_bit=True)
        recipient = em["To"].addresses[0].addr_spec
        path = write_outbox_file(self.folder, now, recipient, ".eml", em.as_bytes())
        log.info("mail to %s: %s (%s)", msg.to, msg.subject, path)
        return DeliveryReceipt(provider_id=path.name)


def make_mailer(config: Mapping[str, Any], *, clock: Clock | None = None) -> Mailer:
    """The mailer the configuration asks for (MAIL_BACKEND 'outbox', the default, or 'smtp')."""
    backend = config_choice(config, "MAIL_BACKEND", ("outbox", "smtp"), "outbox")
    if backend == "outbox":
        return OutboxMailer(outbox_dir(config), config_str(config, "MAIL_SENDER", DEFAULT_OUTBOX_SENDER),
                            clock=clock)
    security = config_choice(config, "MAIL_SECURITY", SECURITY_MODES, "starttls")
    ca_file = config_str(config, "MAIL_CA_FILE")
    try:
        context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    except OSError as exc:
        raise AdapterConfigError(
            _l("Cannot read the CA file %(path)s: %(error)s", path=ca_file, error=str(exc))) from exc
    return SmtpMailer(
        host=config_required(config, "MAIL_SERVER", "smtp"),
        port=config_number(config, "MAIL_PORT", DEFAULT_PORTS[security], integer=True),
        security=security,
        username=config_str(config, "MAIL_USERNAME"),
        password=config_str(config, "MAIL_PASSWORD", strip=False),
        sender=config_required(config, "MAIL_SENDER", "smtp"),
        timeout=config_number(config, "MAIL_TIMEOUT", 10.0),
        ssl_context=context,
        local_hostname=config_str(config, "MAIL_HELO_NAME"),
        clock=clock,
    )
