"""The captcha on the public account forms: the widget to show, and whether a posted form passed it."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.adapters.captcha import RESPONSE_FIELD, Captcha, CaptchaFailed, make_captcha

__all__ = ["RESPONSE_FIELD", "captcha_for", "captcha_refusal"]


def captcha_for(config: Mapping[str, Any]) -> Captcha:
    """The configured captcha (reCAPTCHA, or none when no keys are set), for the page to render."""
    return make_captcha(config)


def captcha_refusal(config: Mapping[str, Any], response: str | None, remote_addr: str | None) -> str | None:
    """None when the captcha passed (or is off), else the message to show the visitor."""
    try:
        make_captcha(config).verify(response, remote_addr)
    except CaptchaFailed as failure:
        return str(failure.message)
    return None
