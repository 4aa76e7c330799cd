"""Fixtures for the certificate tests: the project font, the seed PDF, a recording HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.certificates.pdf import FONT_FILES, render_certificate_pdf

from .seed import FONT_DIR, SEED, VERIFY_URL


@pytest.fixture(scope="session")
def font_dir() -> Path:
    missing = [name for name in FONT_FILES.values() if not (FONT_DIR / name).is_file()]
    if missing:
        pytest.fail(f"{', '.join(missing)} not in {FONT_DIR}: run scripts/setup.sh first")
    return FONT_DIR


@pytest.fixture(scope="session")
def seed_pdf(font_dir: Path) -> bytes:
    return render_certificate_pdf(SEED, verify_url=VERIFY_URL, font_dir=font_dir)


class RecordingServer:
    """A real HTTP server on 127.0.0.1 that answers 200 with a tiny PNG and records every hit."""

    #: A 1x1 transparent PNG: something a renderer would happily embed.
    PNG = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
    )

    def __init__(self) -> None:
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                server.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(RecordingServer.PNG)))
                self.end_headers()
                self.wfile.write(RecordingServer.PNG)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> RecordingServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[RecordingServer]:
    with RecordingServer() as server:
        yield server
