"""The portal served by a real HTTP server on a free port, driven by Debian's Chromium through Playwright.

The server runs the app on its own SQLite database with the demo data, the sandbox payment
pages and the development identity provider, in a thread of the test process. Chromium is
the system's (/usr/bin/chromium, installed by scripts/setup.sh): no browser is downloaded.
Every page a test visits goes through `look`: a screenshot kept under tests/e2e/artefacts/
(ignored by git) and an axe-core check that fails on any serious or critical violation.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GHURFA_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(config, items):
    here = str(Path(__file__).resolve().parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (scripts/setup.sh installs the Debian package)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-dev-shm-usage"]}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """(base URL, app, outbox folder) of the portal on 127.0.0.1 and a free port."""
    from werkzeug.serving import make_server

    from app import create_app
    from app.services.setup.bootstrap import prepare_database
    from config import TestConfig

    holder = {}

    def dispatch(environ, start_response):
        return holder["app"](environ, start_response)

    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'ghurfa.db'}",
        INSTANCE_DIR=str(instance),
        OUTBOX_DIR=str(instance / "outbox"),
        PUBLIC_BASE_URL=base_url,
        TESTING=False,  # a real server: errors are pages, not exceptions in the test
        DEV_IDP_ENABLED=True,
        PAYMENT_GATEWAY="sandbox",
    )
    with app.app_context():
        prepare_database(demo=True)
        from app.extensions import db

        db.session.remove()
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield base_url, app, instance / "outbox"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server[0]


@pytest.fixture
def outbox(live_server) -> Path:
    return live_server[2]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server[0], "locale": "ar",
            "extra_http_headers": {"Accept-Language": "ar"}, "viewport": {"width": 1280, "height": 900}}


class Looker:
    """Screenshots and accessibility checks of every page visited, with a record of what was seen."""

    def __init__(self, test_name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.folder = ARTEFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.problems: list[str] = []

    def __call__(self, page, name: str) -> None:
        page.wait_for_load_state("load")
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        results = self.axe.run(page)
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"]][:4]
                self.problems.append(f"{name} ({page.url}): {violation['id']} [{violation['impact']}] "
                                     f"{violation['help']} at {targets}")


@pytest.fixture
def look(request):
    looker = Looker(request.node.name)
    yield looker
    assert not looker.problems, "accessibility problems:\n" + "\n".join(looker.problems)


def read_outbox(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime_ns)
