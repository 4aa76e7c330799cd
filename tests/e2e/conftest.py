"""The portal served by a real HTTP server on a free port, driven by Debian's Chromium through Playwright.

The server runs the app on its own SQLite database with the demo data, the sandbox payment
pages and the development identity provider, in a process of its own (tests/e2e/serve.py). Chromium is
the system's (/usr/bin/chromium, installed by scripts/setup.sh): no browser is downloaded.
Every page a test visits goes through `look`: a screenshot kept under tests/e2e/artefacts/
(ignored by git) and an axe-core check that fails on any serious or critical violation.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
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
    """(base URL, None, outbox folder) of the portal on 127.0.0.1 and a free port, in its own process."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen([sys.executable, "-m", "tests.e2e.serve", str(port), str(instance)], cwd=root,
                              stdout=subprocess.PIPE, text=True)
    try:
        if server.stdout.readline().strip() != "ready":
            pytest.fail("the portal's test server did not start")
        yield f"http://127.0.0.1:{port}", None, instance / "outbox"
    finally:
        server.terminate()
        server.wait(timeout=10)


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
