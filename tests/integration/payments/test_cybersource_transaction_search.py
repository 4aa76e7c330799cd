"""CyberSource transaction search against a local server that checks the HTTP Signature."""
import base64
import hashlib
import hmac
import json
import re
import socket
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.adapters.payments import (
    CyberSourceGateway, Decision, GatewayQueryFailed, InvalidCheckoutRequest,
    TransactionSearchClient,
)

MERCHANT = "occi_portal"
KEY_ID = "6f1a9b7c-3d2e-4f50-8a9b-0c1d2e3f4a5b"
SHARED_SECRET = base64.b64encode(b"transaction-search-shared-secret").decode()
NOW = datetime(2018, 3, 19, 8, 30, tzinfo=timezone.utc)
UUID = "0c1f4a7e-2b1d-4c55-9d0e-6f2a1b3c4d5e"


def summary(reason="100", uuid=UUID, amount="50.000", reference="REN-2018-000123",
            applications=("ics_auth", "ics_bill"), transaction_id="6234567890123456789012",
            at="2018-03-19T08:31:00Z"):
    return {
        "id": transaction_id, "submitTimeUtc": at, "merchantId": MERCHANT,
        "applicationInformation": {
            "reasonCode": reason, "rFlag": "SOK" if reason == "100" else "DECLINE",
            "applications": [{"name": name, "reasonCode": reason} for name in applications]},
        "clientReferenceInformation": {"code": reference,
                                       "applicationName": "Secure Acceptance Web/Mobile"},
        "merchantDefinedInformation": [{"key": "1", "value": uuid}],
        "orderInformation": {"amountDetails": {"totalAmount": amount, "currency": "OMR"}},
        "paymentInformation": {"card": {"suffix": "1111", "type": "001"}},
    }


class SearchHandler(BaseHTTPRequestHandler):
    """Plays CyberSource: refuses any request whose signature or digest is wrong."""

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        if server.hold is not None:
            server.hold.wait(5)
            return
        problem = self.authentication_problem(body)
        if problem:
            server.refusals.append(problem)
            return self.answer(401, {"response": {"rmsg": problem}})
        request = json.loads(body)
        server.searches.append({"path": self.path, "body": request,
                                "date": self.headers["Date"]})
        if server.raw is not None:
            return self.answer(201, server.raw)
        code = re.search(r"clientReferenceInformation\.code:(\S+)", request["query"]).group(1)
        found = [item for item in server.summaries
                 if item["clientReferenceInformation"]["code"] == code]
        self.answer(201, {"searchId": "s-1", "count": len(found), "totalCount": len(found),
                          "_embedded": {"transactionSummaries": found} if found else None})

    def authentication_problem(self, body: bytes) -> str | None:
        params = dict(re.findall(r'(\w+)="([^"]*)"', self.headers.get("Signature", "")))
        if params.get("keyid") != KEY_ID or params.get("algorithm") != "HmacSHA256":
            return "unknown key"
        if self.headers.get("v-c-merchant-id") != MERCHANT:
            return "wrong merchant"
        digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        if self.headers.get("Digest") != digest:
            return "digest mismatch"
        lines = []
        for name in params.get("headers", "").split(" "):
            if name == "(request-target)":
                lines.append(f"(request-target): post {self.path}")
            else:
                lines.append(f"{name}: {self.headers[name]}")
        expected = base64.b64encode(hmac.new(base64.b64decode(SHARED_SECRET),
                                             "\n".join(lines).encode(), hashlib.sha256).digest())
        if not {"host", "date", "(request-target)", "digest", "v-c-merchant-id"} <= set(
                params["headers"].split(" ")):
            return "too few signed headers"
        if not hmac.compare_digest(expected.decode(), params.get("signature", "")):
            return "signature mismatch"
        return None

    def answer(self, status, document):
        payload = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/hal+json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def search_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SearchHandler)
    server.summaries, server.searches, server.refusals = [], [], []
    server.raw, server.hold = None, None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    server.base_url = f"http://127.0.0.1:{server.server_port}"
    yield server
    if server.hold is not None:
        server.hold.set()
    server.shutdown()
    server.server_close()
    thread.join()


def gateway(base_url, secret=SHARED_SECRET, read_timeout=5.0):
    client = TransactionSearchClient(base_url, MERCHANT, KEY_ID, secret, connect_timeout=2.0,
                                     read_timeout=read_timeout, clock=lambda: NOW)
    return CyberSourceGateway(access_key="AK", profile_id="PID", secret_key="SK",
                              search_client=client)


def test_an_accepted_payment_is_found(search_server):
    search_server.summaries = [summary()]
    reply = gateway(search_server.base_url).query("REN-2018-000123", UUID)
    assert reply.decision is Decision.ACCEPT and reply.settles
    assert (reply.reference, reply.transaction_uuid, reply.transaction_id) == (
        "REN-2018-000123", UUID, "6234567890123456789012")
    assert (reply.amount_baisa, reply.currency, reply.reason_code) == (50000, "OMR", "100")
    assert "1111" not in json.dumps(dict(reply.safe_fields)).replace("6234567890123456789012", "")
    assert search_server.refusals == []
    [search] = search_server.searches
    assert search["path"] == "/tss/v2/searches"
    assert search["date"] == "Mon, 19 Mar 2018 08:30:00 GMT"
    assert search["body"]["query"].startswith("clientReferenceInformation.code:REN-2018-000123 AND")
    assert search["body"]["save"] is False


def test_the_best_outcome_of_this_attempt_wins(search_server):
    search_server.summaries = [
        summary(reason="203", transaction_id="1", at="2018-03-19T08:31:00Z"),
        summary(reason="100", transaction_id="2", at="2018-03-19T08:33:00Z"),
        summary(reason="100", transaction_id="3", uuid="another-attempt"),
        summary(reason="100", transaction_id="4", applications=("ics_credit",)),
    ]
    reply = gateway(search_server.base_url).query("REN-2018-000123", UUID)
    assert (reply.decision, reply.transaction_id) == (Decision.ACCEPT, "2")


@pytest.mark.parametrize("reason, decision", [("480", Decision.REVIEW), ("203", Decision.DECLINE),
                                              ("102", Decision.ERROR), ("110", Decision.REVIEW)])
def test_reason_codes_map_to_decisions(search_server, reason, decision):
    search_server.summaries = [summary(reason=reason)]
    assert gateway(search_server.base_url).query("REN-2018-000123", UUID).decision is decision


def test_nothing_found_is_none(search_server):
    search_server.summaries = [summary(reference="REN-2018-000999")]
    assert gateway(search_server.base_url).query("REN-2018-000123", UUID) is None
    search_server.summaries = [summary(uuid="another-attempt")]
    assert gateway(search_server.base_url).query("REN-2018-000123", UUID) is None


def test_a_refund_alone_is_not_a_payment(search_server):
    search_server.summaries = [summary(applications=("ics_credit",))]
    assert gateway(search_server.base_url).query("REN-2018-000123", UUID) is None


def test_a_wrong_secret_is_refused_by_the_server(search_server):
    wrong = base64.b64encode(b"not-the-shared-secret").decode()
    with pytest.raises(GatewayQueryFailed):
        gateway(search_server.base_url, secret=wrong).query("REN-2018-000123", UUID)
    assert search_server.refusals == ["signature mismatch"]


def test_an_answer_that_is_not_json_fails_clearly(search_server):
    search_server.raw = b"<html>maintenance</html>"
    with pytest.raises(GatewayQueryFailed):
        gateway(search_server.base_url).query("REN-2018-000123", UUID)


def test_a_silent_server_times_out(search_server):
    search_server.hold = threading.Event()
    with pytest.raises(GatewayQueryFailed):
        gateway(search_server.base_url, read_timeout=0.2).query("REN-2018-000123", UUID)


def test_an_unreachable_server_fails_clearly():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(GatewayQueryFailed):
        gateway(url).query("REN-2018-000123", UUID)


def test_a_reference_that_would_change_the_query_is_refused(search_server):
    with pytest.raises(InvalidCheckoutRequest):
        gateway(search_server.base_url).query("REN-1 OR merchantId:*", UUID)
    assert search_server.searches == []
