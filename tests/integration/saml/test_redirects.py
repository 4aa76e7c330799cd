"""After a login or a logout the visitor goes only to a path on our own site, whatever `next` or RelayState say."""
from __future__ import annotations

import pytest

from app.saml.state import safe_return_path
from tests.integration.saml.helpers import idp_response, make_member, post_acs, start_login

CONFIG = {"PUBLIC_BASE_URL": "https://portal.chamberoman.example"}

HOSTILE = [
    "https://evil.example/",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:evil.example",
    "https://portal.chamberoman.example.evil.example/",
    "/\t/evil.example",
    "/%0d%0aSet-Cookie:x=y".replace("%0d%0a", "\r\n"),
    "evil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert safe_return_path(target, CONFIG) is None


@pytest.mark.parametrize("target,expected", [
    ("/portal/", "/portal/"),
    ("/services/renewal/?company=3", "/services/renewal/?company=3"),
    ("https://portal.chamberoman.example/portal/", "/portal/"),
    ("HTTPS://Portal.Chamberoman.Example/x", "/x"),
    ("/portal/#section", "/portal/"),
])
def test_our_own_paths_are_kept(target, expected):
    assert safe_return_path(target, CONFIG) == expected


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_next_after_a_pki_login_never_leaves_the_site(app, client, target):
    make_member(app)
    sent = start_login(client, next_path=target)
    assert sent.params["RelayState"] == "/portal/"
    response = post_acs(client, idp_response(app, sent.id), relay_state=target)
    assert response.status_code == 302 and response.location == "/portal/"


def test_a_relay_state_posted_with_the_response_does_not_choose_the_destination(app, client):
    make_member(app)
    sent = start_login(client, next_path="/portal/")
    response = post_acs(client, idp_response(app, sent.id), relay_state="https://evil.example/")
    assert response.status_code == 302 and response.location == "/portal/"
