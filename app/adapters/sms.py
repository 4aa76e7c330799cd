"""SMS delivery: the message, the SmsSender interface, a configurable HTTP gateway client and the outbox."""
from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import requests
from requests.auth import HTTPBasicAuth
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
from app.adapters.sms_fields import (
    DEFAULT_FIELDS,
    PLACEHOLDERS,
    as_text,
    check_fields,
    json_path,
    placeholders_used,
    render_fields,
)

__all__ = [
    "DeliveryFailed", "DeliveryReceipt", "InvalidMessage", "AdapterConfigError",
    "SmsMessage", "SmsSender", "HttpSmsGateway", "OutboxSms", "make_sms_sender",
    "DEFAULT_SENDER", "DEFAULT_FIELDS", "PLACEHOLDERS", "REQUEST_SHAPES",
]

log = logging.getLogger(__name__)

DEFAULT_SENDER = "ChamberOman"
REQUEST_SHAPES = ("json", "form", "query")
AUTH_MODES = ("basic", "header", "none")

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# An alphanumeric sender ID has at most 11 characters; a numeric one is a phone number.
_SENDER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&_-]{0,10}|\+?[0-9]{3,15}")

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SmsMessage:
    """One SMS to one mobile number in E.164 form (``+96891234567``)."""

    to: str
    text: str
    sender: str = DEFAULT_SENDER

    def __post_init__(self) -> None:
        if not isinstance(self.to, str) or not _E164.fullmatch(self.to):
            raise InvalidMessage(
                _l("%(value)s is not a mobile number in international form, like +96891234567.",
                   value=repr(self.to)))
        if not isinstance(self.text, str) or not self.text.strip():
            raise InvalidMessage(_l("The text of the SMS is missing."))
        check_sender_id(self.sender)

    @property
    def is_unicode(self) -> bool:
        """True when the text needs UCS-2 (Arabic does), which shortens each SMS part to 70 characters."""
        return any(c not in _GSM7_BASIC and c not in _GSM7_EXTENSION for c in self.text)

    @property
    def segments(self) -> int:
        """How many SMS parts the text takes; gateways bill per part."""
        if self.is_unicode:
            units = len(self.text.encode("utf-16-le")) // 2
            return 1 if units <= 70 else math.ceil(units / 67)
        septets = sum(2 if c in _GSM7_EXTENSION else 1 for c in self.text)
        return 1 if septets <= 160 else math.ceil(septets / 153)


def check_sender_id(sender: Any) -> None:
    if not isinstance(sender, str) or not _SENDER_ID.fullmatch(sender):
        raise InvalidMessage(
            _l("%(value)s is not a valid SMS sender name (up to 11 letters and digits).",
               value=repr(sender)))


@runtime_checkable
class SmsSender(Protocol):
    """Sends one SMS; returns a receipt or raises DeliveryFailed."""

    def send(self, msg: SmsMessage) -> DeliveryReceipt: ...


def mask_number(number: str) -> str:
    """A mobile number for the logs of production senders: country code and last three digits."""
    return number[:4] + "*" * max(len(number) - 7, 0) + number[-3:]


class HttpSmsGateway:
    """Sends through an SMS provider's HTTP API, shaped by configuration.

    ``request_shape`` says how the fields travel: ``json`` (a JSON body), ``form``
    (form-encoded body) or ``query`` (URL parameters). ``fields`` maps the
    gateway's parameter names to templates over PLACEHOLDERS. Credentials go as
    HTTP basic auth (``auth='basic'``), as a header carrying the token
    (``auth='header'``), or only through the field templates (``auth='none'``);
    left out, it follows from what is given and what the templates already carry.

    The gateway accepted the SMS when it answers 2xx and, if ``success_field`` is
    set, that field of its JSON answer matches ``success_value`` (or is truthy).
    5xx, 408, 425, 429 and network trouble are transient; other answers are permanent.
    """

    def __init__(self, url: str, method: str | None = None, username: str | None = None,
                 password: str | None = None, sender: str | None = None, request_shape: str = "json",
                 timeout: float = 10.0, *, token: str | None = None, fields: Mapping[str, Any] | None = None,
                 auth: str | None = None, token_header: str = "Authorization", token_prefix: str | None = None,
                 success_field: str | None = None, success_value: str | None = None,
                 id_field: str | None = None, verify: bool | str = True):
        shape = request_shape
        if not isinstance(url, str) or not re.match(r"https?://[^/\s]+", url):
            raise AdapterConfigError(_l("The SMS gateway URL %(value)s is not an http(s) URL.", value=repr(url)))
        if shape not in REQUEST_SHAPES:
            raise AdapterConfigError(
                _l("Unknown SMS request shape %(value)s; use json, form or query.", value=repr(shape)))
        method = (method or ("GET" if shape == "query" else "POST")).upper()
        if method not in ("GET", "POST", "PUT"):
            raise AdapterConfigError(_l("The SMS gateway method must be GET, POST or PUT."))
        if method == "GET" and shape != "query":
            raise AdapterConfigError(_l("A GET request to the SMS gateway carries no body; use the query shape."))
        if timeout is None or timeout <= 0:
            raise AdapterConfigError(_l("The SMS timeout must be greater than zero."))
        fields = dict(DEFAULT_FIELDS if fields is None else fields)
        check_fields(fields, shape)
        if auth is None:
            in_fields = placeholders_used(fields)
            if token and "token" not in in_fields:
                auth = "header"
            elif username and password and not {"username", "password"} & in_fields:
                auth = "basic"
            else:
                auth = "none"
        if auth not in AUTH_MODES:
            raise AdapterConfigError(
                _l("Unknown SMS gateway authentication %(value)s; use basic, header or none.", value=repr(auth)))
        if auth == "basic" and not (username and password):
            raise AdapterConfigError(_l("Basic authentication to the SMS gateway needs a username and a password."))
        if auth == "header" and not (token and token_header):
            raise AdapterConfigError(_l("Header authentication to the SMS gateway needs a token."))
        if sender is not None:
            try:
                check_sender_id(sender)
            except InvalidMessage as exc:
                raise AdapterConfigError(exc.message) from None
        self.url = url
        self.method = method
        self.shape = shape
        self.fields = fields
        self.username = username
        self.password = password
        self.token = token
        self.auth = auth
        self.token_header = token_header
        if token_prefix is None:
            token_prefix = "Bearer " if token_header.lower() == "authorization" else ""
        self.token_prefix = token_prefix
        self.sender = sender
        self.timeout = timeout
        self.success_field = success_field
        self.success_value = success_value
        self.id_field = id_field
        self.verify = verify

    def build_request(self, msg: SmsMessage) -> requests.PreparedRequest:
        """The HTTP request that carries ``msg``; pure, so it can be inspected without a gateway."""
        values = {
            "to": msg.to,
            "to_digits": msg.to.lstrip("+"),
            "text": msg.text,
            "sender": self.sender or msg.sender,
            "unicode": "1" if msg.is_unicode else "0",
            "username": self.username or "",
            "password": self.password or "",
            "token": self.token or "",
        }
        payload = render_fields(self.fields, values)
        headers = {"Accept": "application/json"}
        data: Any = None
        params: Any = None
        if self.shape == "json":
            # Plain UTF-8 rather than \u escapes: some gateways do not decode the escapes.
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        elif self.shape == "form":
            data = payload
        else:
            params = payload
        auth = None
        if self.auth == "basic":
            auth = HTTPBasicAuth(self.username, self.password)
        elif self.auth == "header":
            headers[self.token_header] = f"{self.token_prefix}{self.token}"
        return requests.Request(self.method, self.url, headers=headers, data=data, params=params,
                                auth=auth).prepare()

    def send(self, msg: SmsMessage) -> DeliveryReceipt:
        request = self.build_request(msg)
        try:
            with requests.Session() as session:
                # Honour HTTPS_PROXY / REQUESTS_CA_BUNDLE like a plain requests call would.
                settings = session.merge_environment_settings(request.url, {}, None, self.verify, None)
                response = session.send(request, timeout=self.timeout, allow_redirects=False, **settings)
        except requests.Timeout as exc:
            raise DeliveryFailed(_l("The SMS gateway did not answer in time."), permanent=False) from exc
        except requests.RequestException as exc:
            raise DeliveryFailed(
                _l("Could not reach the SMS gateway: %(error)s", error=str(exc)), permanent=False) from exc
        with response:
            provider_id = self._judge(response)
        log.info("sms to %s accepted by the gateway (id %s)", mask_number(msg.to), provider_id)
        return DeliveryReceipt(provider_id=provider_id)

    def _judge(self, response: requests.Response) -> str | None:
        status = response.status_code
        excerpt = response.text[:200]
        if not 200 <= status < 300:
            transient = status >= 500 or status in (408, 425, 429)
            raise DeliveryFailed(
                _l("The SMS gateway answered %(status)s: %(body)s", status=status, body=excerpt),
                permanent=not transient)
        document: Any = None
        try:
            document = response.json()
        except ValueError:
            if self.success_field:
                # A 2xx page that is not the gateway's JSON is usually a proxy or a
                # maintenance page in the way, not a verdict on this SMS.
                raise DeliveryFailed(
                    _l("The SMS gateway answer is not JSON: %(body)s", body=excerpt), permanent=False) from None
        if self.success_field:
            found, value = json_path(document, self.success_field)
            if self.success_value is None:
                accepted = found and bool(value)
            else:
                accepted = found and as_text(value).lower() == self.success_value.lower()
            if not accepted:
                # The gateway read the request and said no: sending it again the same way will not help.
                raise DeliveryFailed(
                    _l("The SMS gateway refused the SMS: %(body)s", body=excerpt), permanent=True)
        if self.id_field and document is not None:
            found, value = json_path(document, self.id_field)
            if found and value is not None:
                return as_text(value)
        return None


class OutboxSms:
    """The development default: each SMS becomes a ``.sms.txt`` file in a folder and a log line."""

    def __init__(self, folder: Path, sender: str | None = None, *, clock: Clock | None = None):
        if sender is not None:
            try:
                check_sender_id(sender)
            except InvalidMessage as exc:
                raise AdapterConfigError(exc.message) from None
        self.folder = Path(folder)
        self.sender = sender
        self._clock = clock or utc_now

    def send(self, msg: SmsMessage) -> DeliveryReceipt:
        now = self._clock()
        sender = self.sender or msg.sender
        content = (
            f"To: {msg.to}\nFrom: {sender}\nDate: {now.isoformat()}\n"
            f"Parts: {msg.segments} ({'UCS-2' if msg.is_unicode else 'GSM-7'})\n\n{msg.text}\n"
        )
        path = write_outbox_file(self.folder, now, msg.to, ".sms.txt", content.encode("utf-8"))
        log.info("sms to %s from %s: %s", msg.to, sender, msg.text)
        return DeliveryReceipt(provider_id=path.name)


def _fields_setting(config: Mapping[str, Any]) -> dict[str, Any] | None:
    raw = config.get("SMS_GATEWAY_FIELDS")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise AdapterConfigError(
                _l("The setting SMS_GATEWAY_FIELDS is not valid JSON: %(error)s", error=str(exc))) from None
    if not isinstance(raw, Mapping):
        raise AdapterConfigError(_l("The setting SMS_GATEWAY_FIELDS must be a JSON object."))
    return dict(raw)


def make_sms_sender(config: Mapping[str, Any], *, clock: Clock | None = None) -> SmsSender:
    """The SMS sender the configuration asks for (SMS_BACKEND 'outbox', the default, or 'http')."""
    backend = config_choice(config, "SMS_BACKEND", ("outbox", "http"), "outbox")
    sender = config_str(config, "SMS_SENDER", DEFAULT_SENDER)
    if backend == "outbox":
        return OutboxSms(outbox_dir(config), sender, clock=clock)
    shape = config_choice(config, "SMS_GATEWAY_SHAPE", REQUEST_SHAPES, "json")
    # An empty prefix is a real choice (a bare API key header), so only None means "not set".
    token_prefix = config.get("SMS_GATEWAY_TOKEN_PREFIX")
    auth = config_str(config, "SMS_GATEWAY_AUTH")
    return HttpSmsGateway(
        url=config_required(config, "SMS_GATEWAY_URL", "http"),
        method=config_str(config, "SMS_GATEWAY_METHOD"),
        username=config_str(config, "SMS_GATEWAY_USERNAME"),
        password=config_str(config, "SMS_GATEWAY_PASSWORD", strip=False),
        sender=sender,
        request_shape=shape,
        timeout=config_number(config, "SMS_TIMEOUT", 10.0),
        token=config_str(config, "SMS_GATEWAY_TOKEN", strip=False),
        fields=_fields_setting(config),
        auth=auth.lower() if auth else None,
        token_header=config_str(config, "SMS_GATEWAY_TOKEN_HEADER", "Authorization"),
        token_prefix=None if token_prefix is None else str(token_prefix),
        success_field=config_str(config, "SMS_GATEWAY_SUCCESS_FIELD"),
        success_value=config_str(config, "SMS_GATEWAY_SUCCESS_VALUE"),
        id_field=config_str(config, "SMS_GATEWAY_ID_FIELD"),
        verify=config_str(config, "SMS_GATEWAY_CA_FILE") or True,
    )
