"""Fixtures for the sandbox gateway tests: apps, translations and a notify server."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .helpers import build_app

ROOT = Path(__file__).resolve().parents[3]


class RecordingHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        self.server.received.append(dict(parse_qsl(body, keep_blank_values=True)))
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def notify_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.received, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}/payments/notify"
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def translations_dir(tmp_path_factory):
    """Our Arabic strings compiled from the branch's pending catalog (or the merged one)."""
    sources = [ROOT / "translations" / "pending" / "payments.po",
               ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po"]
    source = next(path for path in sources if path.exists())
    target = tmp_path_factory.mktemp("translations") / "ar" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(source, "rb") as handle:
        catalog = read_po(handle, locale="ar")
    with open(target / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    return str(target.parent.parent), catalog


@pytest.fixture
def make_app(tmp_path, translations_dir):
    def make(**options):
        return build_app(tmp_path / "instance", translations_dir, **options)
    return make


