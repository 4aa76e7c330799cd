"""The captcha on public forms: Google reCAPTCHA v2 checked on the server, or switched off when no keys are set.

With keys configured the check fails closed: a verification endpoint that is down,
slow or answering nonsense refuses the form (the visitor can try again), because a
captcha that lets everything through while Google is unreachable protects nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

import requests
from flask_babel import lazy_gettext as _l

from app.adapters.delivery import AdapterConfigError, config_number, config_str

log = logging.getLogger(__name__)

DEFAULT_VERIFY_URL = "https://www.google.com/recaptcha/api/siteverify"
RESPONSE_FIELD = "g-recaptcha-response"


class CaptchaFailed(Exception):
    """The form did not prove a person sent it; the message says what to do."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class Captcha(Protocol):
    enabled: bool
    site_key: str | None

    def verify(self, response_token: str | None, remote_ip: str | None) -> None:
        """Returns when the token is good; raises CaptchaFailed otherwise."""


class NoCaptcha:
    """No keys configured (development, tests): every form passes, and the pages say the captcha is off."""

    enabled = False
    site_key = None

    def verify(self, response_token: str | None, remote_ip: str | None) -> None:
        return None


class RecaptchaV2:
    """Checks the token the reCAPTCHA widget put in the form against Google's siteverify endpoint."""

    enabled = True

    def __init__(self, site_key: str, secret_key: str, verify_url: str = DEFAULT_VERIFY_URL,
                 timeout: float = 5.0, session: requests.Session | None = None):
        self.site_key = site_key
        self._secret_key = secret_key
        self.verify_url = verify_url
        self.timeout = timeout
        self._session = session

    def verify(self, response_token: str | None, remote_ip: str | None) -> None:
        token = (response_token or "").strip()
        if not token:
            raise CaptchaFailed(_l("Please tick “I'm not a robot” before sending the form."))
        if len(token) > 4000:
            raise CaptchaFailed(_l("The captcha answer was not accepted. Please tick “I'm not a robot” again."))
        data = {"secret": self._secret_key, "response": token}
        if remote_ip:
            data["remoteip"] = remote_ip
        try:
            poster = self._session or requests
            reply = poster.post(self.verify_url, data=data, timeout=self.timeout, allow_redirects=False)
            reply.raise_for_status()
            document = reply.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("reCAPTCHA verification unavailable: %s", exc)
            raise CaptchaFailed(
                _l("The captcha could not be checked just now. Please try again in a moment.")) from exc
        if not isinstance(document, dict) or document.get("success") is not True:
            codes = document.get("error-codes") if isinstance(document, dict) else None
            log.info("reCAPTCHA refused a form: %s", codes)
            if isinstance(codes, list) and any(c in ("invalid-input-secret", "missing-input-secret") for c in codes):
                # Our secret is wrong: the visitor cannot fix that, but must not get through either.
                log.error("reCAPTCHA says the configured secret key is invalid")
            raise CaptchaFailed(_l("The captcha answer was not accepted. Please tick “I'm not a robot” again."))


def make_captcha(config: Mapping[str, Any]) -> Captcha:
    """reCAPTCHA when both RECAPTCHA_SITE_KEY and RECAPTCHA_SECRET_KEY are set, no captcha when neither is."""
    site_key = config_str(config, "RECAPTCHA_SITE_KEY")
    secret_key = config_str(config, "RECAPTCHA_SECRET_KEY", strip=False)
    if not site_key and not secret_key:
        return NoCaptcha()
    if not site_key or not secret_key:
        raise AdapterConfigError(
            _l("Set both RECAPTCHA_SITE_KEY and RECAPTCHA_SECRET_KEY, or neither (no captcha)."))
    return RecaptchaV2(
        site_key=site_key,
        secret_key=secret_key,
        verify_url=config_str(config, "RECAPTCHA_VERIFY_URL", DEFAULT_VERIFY_URL),
        timeout=config_number(config, "RECAPTCHA_TIMEOUT", 5.0),
    )
