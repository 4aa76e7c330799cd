"""A small reference server of the registry HTTP API, serving a registry JSON file.

It speaks the API documented in :mod:`app.adapters.registry.http_registry`, reading
the data through :class:`FileRegistry` (so it reloads when the file changes). Tests
start it in a thread on 127.0.0.1:0 and can make it misbehave; by hand::

    python -m app.adapters.registry.dev_server --file app/adapters/registry/demo_registry.json --port 8081

The API key it demands comes from ``--api-key`` or ``REGISTRY_API_KEY``; without one
it accepts any caller.
"""
from __future__ import annotations

import argparse
import enum
import hmac
import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .errors import InvalidRegistryQuery, RegistryUnavailable
from .file_registry import DEMO_REGISTRY_FILE, FileRegistry
from .records import company_to_json, is_registry_number

log = logging.getLogger(__name__)


class Fault(enum.Enum):
    """Ways the server can be told to misbehave, to exercise the client's errors."""

    NONE = "none"
    UNAVAILABLE = "503"  # answer 503 Service Unavailable
    SLOW = "slow"  # wait slow_seconds before answering
    DRIP = "drip"  # answer at once, but send the body a byte every drip_seconds
    MALFORMED = "malformed"  # answer 200 with broken JSON


class RegistryDevServer:
    """The registry API over HTTP on a local port, run in a background thread."""

    def __init__(self, registry_file: str | os.PathLike = DEMO_REGISTRY_FILE, host: str = "127.0.0.1",
                 port: int = 0, api_key: str | None = None, prefix: str = "") -> None:
        self.registry = FileRegistry(registry_file)
        self.api_key = api_key
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.fault = Fault.NONE
        self.slow_seconds = 5.0
        self.drip_seconds = 0.05
        # (status, body) to answer every request with, to forge what the real
        # registry might send; the file is not consulted while it is set.
        self.forged: tuple[int, bytes] | None = None
        # Every request's (path with query, Authorization header), for tests to inspect.
        self.requests: list[tuple[str, str | None]] = []
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def start(self) -> "RegistryDevServer":
        # A short poll interval so stop() returns at once in tests.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="registry-dev-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes a handler held by Fault.SLOW
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def __enter__(self) -> "RegistryDevServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def drip(self, stream, body: bytes) -> None:
        for i in range(len(body)):
            if self._stopping.wait(self.drip_seconds):
                return
            stream.write(body[i : i + 1])
            stream.flush()

    # --- the API ----------------------------------------------------------------

    def answer(self, path: str, authorization: str | None) -> tuple[int, bytes]:
        """Status and JSON body for a GET of ``path`` (with its query string)."""
        self.requests.append((path, authorization))
        if self.api_key and not hmac.compare_digest(
            (authorization or "").encode(), f"Bearer {self.api_key}".encode()
        ):
            return 401, _json({"error": "unauthorized"})
        if self.fault is Fault.UNAVAILABLE:
            return 503, _json({"error": "unavailable"})
        if self.fault is Fault.SLOW:
            self._stopping.wait(self.slow_seconds)
        if self.fault is Fault.MALFORMED:
            return 200, b'{"companies": [{"cr_number": "12'
        if self.forged is not None:
            return self.forged
        parts = urlsplit(path)
        if not parts.path.startswith(self.prefix + "/"):
            return 404, _json({"error": "no_such_route"})
        route = parts.path[len(self.prefix):]
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            return self._route(route, query)
        except InvalidRegistryQuery as exc:
            return 400, _json({"error": "invalid_query", "detail": exc.detail})
        except RegistryUnavailable as exc:
            log.error("registry dev server: %s", exc.detail)
            return 503, _json({"error": "unavailable"})

    def _route(self, route: str, query: dict[str, str]) -> tuple[int, bytes]:
        if route == "/companies":
            civil_id = query.get("civil_id", "")
            if not is_registry_number(civil_id):
                return 400, _json({"error": "invalid_civil_id"})
            companies = self.registry.companies_for_civil_id(civil_id)
            return 200, _json({"companies": [company_to_json(c) for c in companies]})
        if route.startswith("/companies/"):
            cr_number = route[len("/companies/"):]
            company = self.registry.company(cr_number) if is_registry_number(cr_number) else None
            if company is None:
                return 404, _json({"error": "not_found"})
            return 200, _json(company_to_json(company))
        if route == "/changes":
            try:
                limit = int(query.get("limit", "1000"))
                batch = self.registry.changes_since(query.get("cursor"), limit)
            except InvalidRegistryQuery:
                return 400, _json({"error": "invalid_cursor"})
            except ValueError:
                return 400, _json({"error": "invalid_limit"})
            return 200, _json({
                "companies": [company_to_json(c) for c in batch.companies],
                "next_cursor": batch.next_cursor,
                "done": batch.done,
            })
        return 404, _json({"error": "no_such_route"})


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _handler_for(server: RegistryDevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30  # closes idle keep-alive connections left by pooled clients

        def do_GET(self) -> None:  # noqa: N802 (the http.server name)
            status, body = server.answer(self.path, self.headers.get("Authorization"))
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.fault is Fault.DRIP:
                    server.drip(self.wfile, body)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout); nothing left to tell it

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            log.debug("registry dev server: " + format, *args)

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEMO_REGISTRY_FILE, help="registry JSON file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--prefix", default="", help="path the API is served under, e.g. /api/v1")
    parser.add_argument("--api-key", default=os.environ.get("REGISTRY_API_KEY"),
                        help="bearer token to demand (default: $REGISTRY_API_KEY)")
    parser.add_argument("--fault", choices=[f.value for f in Fault], default=Fault.NONE.value,
                        help="misbehave on purpose")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    server = RegistryDevServer(args.file, args.host, args.port, args.api_key, args.prefix)
    server.fault = Fault(args.fault)
    print(f"registry API for {args.file} at {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
