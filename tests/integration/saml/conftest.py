"""Every PKI test sees our SP at the test client's address, with SAML switched on."""
from __future__ import annotations

import pytest

from tests.integration.saml.helpers import BASE_URL


@pytest.fixture(autouse=True)
def saml_config(app, monkeypatch):
    """Our public address is the test client's, so Destination and audience checks see what a browser would."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE_URL)
    monkeypatch.setitem(app.config, "SAML_ENABLED", True)
    return app.config

