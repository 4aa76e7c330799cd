"""reCAPTCHA v2 checked against a local stand-in of the siteverify endpoint; fails closed."""
from __future__ import annotations

import socket
import threading

import pytest

from app.adapters.captcha import CaptchaFailed, NoCaptcha, RecaptchaV2, make_captcha
from app.adapters.delivery import AdapterConfigError
from tests.integration.accounts.peers import GOOD_TOKEN, SECRET, start_recaptcha_peer


@pytest.fixture
def peer():
    recaptcha, stop = start_recaptcha_peer()
    yield recaptcha
    stop()


def verifier(peer, secret=SECRET, timeout=2.0):
    return make_captcha({"RECAPTCHA_SITE_KEY": "site-key", "RECAPTCHA_SECRET_KEY": secret,
                         "RECAPTCHA_VERIFY_URL": peer.url, "RECAPTCHA_TIMEOUT": timeout})


def test_a_good_token_passes_and_the_secret_token_and_address_are_posted(peer):
    captcha = verifier(peer)
    assert isinstance(captcha, RecaptchaV2) and captcha.enabled and captcha.site_key == "site-key"
    captcha.verify(GOOD_TOKEN, "203.0.113.9")
    assert peer.posts == [{"secret": [SECRET], "response": [GOOD_TOKEN], "remoteip": ["203.0.113.9"]}]


def test_a_bad_or_missing_token_is_refused(peer):
    captcha = verifier(peer)
    with pytest.raises(CaptchaFailed, match="not accepted"):
        captcha.verify("made-up", None)
    with pytest.raises(CaptchaFailed, match="tick"):
        captcha.verify("", None)
    # An empty answer is refused without asking Google.
    assert len(peer.posts) == 1


def test_a_wrong_secret_is_refused_too(peer):
    with pytest.raises(CaptchaFailed):
        verifier(peer, secret="not-our-secret").verify(GOOD_TOKEN, None)


@pytest.mark.parametrize("status, body", [(500, "oops"), (200, "<html>maintenance</html>"), (200, "[]"),
                                          (200, '{"success": "true"}')])
def test_nonsense_from_the_endpoint_fails_closed(peer, status, body):
    peer.status, peer.body = status, body
    with pytest.raises(CaptchaFailed):
        verifier(peer).verify(GOOD_TOKEN, None)


def test_an_unreachable_endpoint_fails_closed():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    captcha = make_captcha({"RECAPTCHA_SITE_KEY": "k", "RECAPTCHA_SECRET_KEY": SECRET,
                            "RECAPTCHA_VERIFY_URL": f"http://127.0.0.1:{port}/siteverify"})
    with pytest.raises(CaptchaFailed, match="could not be checked"):
        captcha.verify(GOOD_TOKEN, None)


def test_a_hung_endpoint_times_out_and_fails_closed(peer):
    peer.stall = threading.Event()
    with pytest.raises(CaptchaFailed, match="could not be checked"):
        verifier(peer, timeout=0.3).verify(GOOD_TOKEN, None)


def test_without_keys_there_is_no_captcha_and_half_a_configuration_is_an_error():
    assert isinstance(make_captcha({}), NoCaptcha)
    assert isinstance(make_captcha({"RECAPTCHA_SITE_KEY": "", "RECAPTCHA_SECRET_KEY": None}), NoCaptcha)
    NoCaptcha().verify(None, None)
    with pytest.raises(AdapterConfigError):
        make_captcha({"RECAPTCHA_SITE_KEY": "only-the-site-key"})
