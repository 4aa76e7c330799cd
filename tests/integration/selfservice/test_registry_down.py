"""A registry that cannot be reached: a clear message, and nothing half-done."""
from __future__ import annotations

import re

import pytest

from app.adapters.registry.dev_server import Fault, RegistryDevServer
from app.adapters.registry.file_registry import DEMO_REGISTRY_FILE

from .helpers import counts, text

MESSAGE = "The commercial registry cannot be reached. Please try again later."


@pytest.fixture
def http_registry(app, seeded):
    with RegistryDevServer(DEMO_REGISTRY_FILE, prefix="/api/v1") as server:
        app.config.update(REGISTRY_BACKEND="http", REGISTRY_URL=server.base_url, REGISTRY_TIMEOUT=1.0)
        yield server


@pytest.mark.parametrize("base", ["/services/new-membership", "/services/renewal", "/services/name-change"])
def test_the_registry_down_gives_a_clear_message_and_changes_nothing(app, hashmi, http_registry, base):
    page = text(hashmi.get(f"{base}/"))  # the registry answers
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    http_registry.fault = Fault.UNAVAILABLE
    before = counts(app)

    # Checked moments ago: the list is what the chamber last heard; asking again reaches the fault.
    assert hashmi.get(f"{base}/").status_code == 200
    response = hashmi.post(f"{base}/", data={"csrf_token": token, "check_again": "1"}, follow_redirects=True)
    assert response.status_code == 503 and MESSAGE in text(response)
    response = hashmi.post(f"{base}/", data={"csrf_token": token, "cr_number": "1445820"})
    assert response.status_code == 503 and MESSAGE in text(response)
    # The wizard did not move on to the next step.
    next_step = "details" if "new-membership" in base else "membership"
    assert hashmi.get(f"{base}/{next_step}").status_code == 302
    assert counts(app) == before

    http_registry.fault = Fault.NONE
    # Once the registry answers, the step goes on (a new membership for 1445820 is refused on the spot:
    # the company is already a member).
    expected = 422 if "new-membership" in base else 302
    assert hashmi.post(f"{base}/", data={"csrf_token": token, "cr_number": "1445820"}).status_code == expected
