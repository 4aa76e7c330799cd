"""Every page a member, a staff member, an auditor and an administrator can reach, read in Arabic.

The member renews a membership through the sandbox payment pages in Arabic (every page
of the way is checked); then, with requests, payments, a certificate, messages, a job run
and audit entries to list, each role's client follows the links of its pages; no page may show a raw code, `None`, or a number or code in Arabic text
outside an isolate.
"""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest

from app.services.jobs.runs import run_job
from jobs.scheduler import JOBS
from tests.integration.arabic_pages import problems
from tests.integration.helpers import login, make_user

from .helpers import text
from .test_dashboard_and_certificates import renew

pytestmark = pytest.mark.db

HREF = re.compile(r'href="([^"#]+)"')
# Links that leave, change something on a GET, download a file, or belong to another client.
NOT_FOLLOWED = re.compile(
    r"^/(logout|lang/|static/|api/|swagger|sandbox-gateway|saml|pki|payments/|register|forgot|reset|verify-)"
    r"|/(delete|download|export|action|action_post|pdf)(/|$)|\.pdf$|\.(csv|xlsx)$")
MAX_PAGES = 150
MAX_RECORDS_PER_LIST = 2


def _crawl(client, starts: list[str]) -> dict[str, list[str]]:
    seen, queue, found, records = set(), deque(starts), {}, {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        print("VISIT", url)
        html = text(response)
        page_problems = problems(html)
        if page_problems:
            found[url] = page_problems
        for link in HREF.findall(html):
            link = link.replace("&amp;", "&")
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or NOT_FOLLOWED.search(parts.path):
                continue
            path = parts.path
            if "/show/" in path or "/edit/" in path:
                kind = path.rsplit("/", 1)[0]
                if records.setdefault(kind, set()) and path not in records[kind] \
                        and len(records[kind]) >= MAX_RECORDS_PER_LIST:
                    continue
                records[kind].add(path)
            if path not in seen:
                queue.append(path)
    return found


def _in_arabic(client) -> None:
    client.get("/lang/ar")


def test_the_page_check_finds_what_it_must():
    page = '<html dir="rtl"><body><p>رقم <bdi dir="ltr">91868</bdi> حتى 2020-03-19</p><td>None</td>' \
           '<td>pending_payment</td><td dir="ltr">12345</td><p>الحالة <span dir="ltr">OK</span></p></body></html>'
    found = problems(page)
    assert len(found) == 3 and any("2020-03-19" in f for f in found), found
    assert any("None" in f for f in found) and any("pending_payment" in f for f in found)
    assert not any("91868" in f or "12345" in f or "'OK'" in f for f in found)


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}:\n  " + "\n  ".join(sorted(set(lines))[:12]) for url, lines in found.items())


def _recording(client, found: dict[str, list[str]]) -> None:
    """Checks every page the client is shown from now on (the steps of a service, the payment pages)."""
    open_page = client.open

    def open_and_check(*args, **kwargs):
        response = open_page(*args, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/html":
            page_problems = problems(text(response))
            if page_problems:
                found[f"member {response.request.method} {response.request.path}"] = page_problems
        return response

    client.open = open_and_check


def test_every_page_reads_properly_in_arabic(app, hashmi):
    found = {}
    _in_arabic(hashmi)
    _recording(hashmi, found)
    renew(hashmi, app)
    with app.app_context():
        run_job("outbox", JOBS["outbox"].work(), trigger="manual")
    found.update({f"member {url}": lines for url, lines in _crawl(hashmi, ["/portal/", "/services/"]).items()})
    for username, role in (("staff1", "Staff"), ("auditor1", "Auditor"), ("admin1", "Admin")):
        make_user(app, username, role)
        client = app.test_client()
        assert login(client, username).status_code == 302
        _in_arabic(client)
        found.update({f"{role} {url}": lines for url, lines in _crawl(client, ["/"]).items()})
    assert not found, _report(found)
