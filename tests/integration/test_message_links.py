"""Every page a message links to is a page the portal serves."""
from __future__ import annotations

import pytest

from app.services.notifications.links import PAGES, page_link, page_path

PARAMS = {"reference": "GH-2026-000123", "serial": "C-1", "token": "abc"}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_message_link_reaches_a_page_of_the_portal(app, page):
    path = page_path(page, **{name: value for name, value in PARAMS.items() if "{" + name + "}" in PAGES[page]})
    adapter = app.url_map.bind("portal.example")
    endpoint, _ = adapter.match(path, method="GET")
    assert endpoint


def test_a_link_is_absolute_on_the_public_address_and_quotes_its_parameters():
    config = {"PUBLIC_BASE_URL": "https://portal.example/"}
    assert page_link(config, "receipt", reference="GH-1") == "https://portal.example/services/receipt/GH-1"
    assert page_path("reset_password", token="a/b") == "/reset-password/a%2Fb"
