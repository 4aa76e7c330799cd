"""A local stand-in for Google's reCAPTCHA siteverify endpoint, and helpers to read the outbox."""
from __future__ import annotations

import email
import email.policy
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

GOOD_TOKEN = "token-from-a-person"
SECRET = "recaptcha-secret-for-tests"


@dataclass
class RecaptchaPeer:
    """Answers like siteverify: success only for GOOD_TOKEN sent with SECRET; can be told to fail."""

    url: str = ""
    posts: list[dict[str, list[str]]] = field(default_factory=list)
    status: int = 200
    body: str | None = None
    stall: threading.Event | None = None

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = parse_qs(handler.rfile.read(length).decode("utf-8"), keep_blank_values=True)
        self.posts.append(form)
        if self.stall is not None:
            self.stall.wait(5)
        if self.body is not None:
            payload = self.body
        elif form.get("secret") != [SECRET]:
            payload = json.dumps({"success": False, "error-codes": ["invalid-input-secret"]})
        elif form.get("response") == [GOOD_TOKEN]:
            payload = json.dumps({"success": True, "hostname": "127.0.0.1"})
        else:
            payload = json.dumps({"success": False, "error-codes": ["invalid-input-response"]})
        data = payload.encode("utf-8")
        handler.send_response(self.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def start_recaptcha_peer():
    """Starts the stand-in on 127.0.0.1; returns (peer, stop)."""
    peer = RecaptchaPeer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            peer.answer(self)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    peer.url = f"http://127.0.0.1:{server.server_address[1]}/recaptcha/api/siteverify"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop():
        if peer.stall is not None:
            peer.stall.set()
        server.shutdown()
        server.server_close()
        thread.join(5)

    return peer, stop


# --- the outbox folder -------------------------------------------------------------

def outbox_files(folder: str | Path, recipient: str, suffix: str) -> list[Path]:
    folder = Path(folder)
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith(f"-{recipient}{suffix}"))


def mails_to(folder: str | Path, address: str) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in outbox_files(folder, address, ".eml")]


def sms_to(folder: str | Path, number: str) -> list[str]:
    """The texts of the SMS sent to `number`, oldest first (the part after the outbox file's headers)."""
    return [p.read_text(encoding="utf-8").split("\n\n", 1)[1].rstrip("\n")
            for p in outbox_files(folder, number, ".sms.txt")]
