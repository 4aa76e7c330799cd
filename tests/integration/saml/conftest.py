"""Every PKI test sees our SP at the test client's address, with SAML switched on."""
from __future__ import annotations

import logging

import pytest

from tests.integration.saml.helpers import BASE_URL


@pytest.fixture(autouse=True)
def saml_config(app, monkeypatch):
    """Our public address is the test client's, so Destination and audience checks see what a browser would."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE_URL)
    monkeypatch.setitem(app.config, "SAML_ENABLED", True)
    # Alembic's logging set-up (migrations/env.py) disables loggers that existed before the
    # migration ran; the tests read why a message was refused from this one.
    monkeypatch.setattr(logging.getLogger("ghurfa.pki"), "disabled", False)
    return app.config

