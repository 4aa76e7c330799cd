"""Back-office load test: company and membership pages at N=100,000 under gunicorn on PostgreSQL, Ghurfa's views beside stock ones.

    python -m bench.bench_back_office [--n 100000] [--requests 200] [--database-url ...]

Fills the database with bench.generate when it does not hold N companies, starts
`gunicorn -w 2 'bench.stock_app:create_app()'` on 127.0.0.1, logs in as an admin from two
client threads (keep-alive sessions), and for every page measures requests per second
over a fixed number of requests (bounded by a time budget), alternating Ghurfa's page and
the stock page round by round. Each response carries the number of SQL statements its
request ran (X-Query-Count). The search queries' PostgreSQL plans are taken with EXPLAIN
ANALYZE in-process. Prints a table and writes bench/out/back_office.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import requests

from bench.generate import DEFAULT_DATABASE_URL

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
ADMIN = "bench-admin"
COMPANY_TERM = "Harthy"  # a family name about 2% of generated company names carry
OCCI_TERM = "1234"
DEEP = ", page at 90% depth"  # a list page 90% of the way down the list, compared with its page 1


@dataclass(frozen=True)
class Page:
    name: str
    ours: str
    stock: str | None


@dataclass
class Measurement:
    url: str
    requests: int = 0
    seconds: float = 0.0
    req_per_s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    queries: list[int] = field(default_factory=list)
    bytes: int = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _filter_index(application, view_name: str, column: str, wanted: str) -> int:
    """The position FAB gives a filter (by class or operator name) in _flt_<index>_<column>."""
    view = next(v for v in application.appbuilder.baseviews if type(v).__name__ == view_name)
    for index, flt in enumerate(view._filters.get_search_filters()[column]):
        if type(flt).__name__ == wanted or str(flt.name) == wanted:
            return index
    raise LookupError(f"{view_name}.{column} has no filter {wanted!r}")


def prepare(database_url: str, n: int, seed: int) -> tuple[object, dict]:
    """Makes sure the database holds n generated companies and a bench admin; returns the app and sample values."""
    from bench import generate as gen
    from bench.stock_app import create_app

    os.environ["DATABASE_URL"] = database_url
    gen.ensure_postgres_database(database_url)
    application = gen.prepared_app(database_url)
    with application.app_context():
        from app.extensions import db

        have = gen.company_count(db.engine)
        db.engine.dispose()
    if have != n:
        print(f"Generating {n} companies into a fresh database (it holds {have}) ...", flush=True)
        gen.main(["--n", str(n), "--seed", str(seed), "--database-url", database_url, "--recreate"])
    application = create_app(SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=False)
    password = secrets.token_urlsafe(18)
    with application.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from models import Membership
        from views.admin.companies import CompanyView

        sm = application.appbuilder.sm
        user = sm.find_user(username=ADMIN)
        if user is None:
            sm.add_user(ADMIN, "Bench", "Admin", "bench-admin@example.om", sm.find_role("Admin"), password=password)
        else:
            sm.reset_password(user.id, password)
        middle = db.session.scalar(select(Membership).where(Membership.id == n // 2))
        samples = {
            "company_id": middle.company_id, "membership_id": middle.id, "password": password,
            "deep_page": (n * 9 // 10) // CompanyView.page_size,
            "name_contains": _filter_index(application, "CompanyView", "name_en", "FilterContains"),
            "occi_contains": _filter_index(application, "MembershipView", "occi_number", "FilterContains"),
            "company_name_lookup": _filter_index(application, "MembershipView", "company", "Name contains"),
        }
        db.session.remove()
    return application, samples


def pages(samples: dict) -> list[Page]:
    name, occi, lookup = samples["name_contains"], samples["occi_contains"], samples["company_name_lookup"]
    company, membership, deep = samples["company_id"], samples["membership_id"], samples["deep_page"]
    return [
        Page("company list", "/companyview/list/", "/stockcompanyview/list/"),
        Page(f"company list{DEEP}", f"/companyview/list/?page_CompanyView={deep}",
             f"/stockcompanyview/list/?page_StockCompanyView={deep}"),
        Page("company search (name contains)", f"/companyview/list/?_flt_{name}_name_en={COMPANY_TERM}",
             f"/stockcompanyview/list/?_flt_{name}_name_en={COMPANY_TERM}"),
        Page("company show", f"/companyview/show/{company}", f"/stockcompanyview/show/{company}"),
        Page("membership list", "/membershipview/list/", "/stockmembershipview/list/"),
        Page(f"membership list{DEEP}", f"/membershipview/list/?page_MembershipView={deep}", None),
        Page("membership search (OCCI contains)", f"/membershipview/list/?_flt_{occi}_occi_number={OCCI_TERM}",
             f"/stockmembershipview/list/?_flt_{occi}_occi_number={OCCI_TERM}"),
        Page("membership show", f"/membershipview/show/{membership}", f"/stockmembershipview/show/{membership}"),
        Page("membership search (company name contains)",
             f"/membershipview/list/?_flt_{lookup}_company={COMPANY_TERM.lower()}", None),
    ]


class Gunicorn:
    """gunicorn serving `app_spec` with `workers` workers on a free loopback port; its log in bench/out/."""

    def __init__(self, app_spec: str, workers: int, env: dict[str, str], log_name: str,
                 port: int | None = None) -> None:
        self.port = port or _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(OUT_DIR / log_name, "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "300", "--no-control-socket", "--chdir", str(ROOT), app_spec],
            env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str = "/login/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                if requests.get(self.base + path, timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in time; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Server(Gunicorn):
    """Ghurfa with the stock views beside its own (bench.stock_app), counting each request's SQL statements."""

    def __init__(self, database_url: str, workers: int) -> None:
        port = _free_port()
        instance = OUT_DIR / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        env = dict(DATABASE_URL=database_url, GHURFA_BENCH_COUNT_QUERIES="1",
                   SECRET_KEY=secrets.token_urlsafe(32), RATELIMIT_ENABLED="0", LOAD_DEMO_DATA="0",
                   GHURFA_INSTANCE_DIR=str(instance), SCHEDULER_IN_DEV_SERVER="0",
                   PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")  # the host the bench's requests name
        super().__init__("bench.stock_app:create_app()", workers, env, "gunicorn.log", port)


def login(base: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/login/", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(base + "/login/", data={"username": ADMIN, "password": password, "csrf_token": token},
                            allow_redirects=False, timeout=10)
    if response.status_code != 302 or "login" in response.headers.get("Location", "/login"):
        raise RuntimeError("the bench admin could not log in")
    return session


def measure(sessions: list[requests.Session], url: str, total: int, budget: float) -> Measurement:
    """`total` GETs of url shared by one thread per session, stopping early once `budget` seconds have passed."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    queries: set[int] = set()
    sizes: list[int] = []
    errors: list[str] = []
    started = time.perf_counter()

    def client(session: requests.Session) -> None:
        while True:
            with lock:
                if issued[0] >= total or (issued[0] >= len(sessions) and time.perf_counter() - started > budget):
                    return
                issued[0] += 1
            t0 = time.perf_counter()
            response = session.get(url, allow_redirects=False, timeout=300)
            elapsed = time.perf_counter() - t0
            with lock:
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {url}")
                latencies.append(elapsed)
                queries.add(int(response.headers.get("X-Query-Count", -1)))
                sizes.append(len(response.content))

    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
    latencies.sort()
    return Measurement(url=url, requests=len(latencies), seconds=round(seconds, 3),
                       req_per_s=round(len(latencies) / seconds, 2),
                       p50_ms=round(1000 * latencies[len(latencies) // 2], 1),
                       p95_ms=round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))], 1),
                       p99_ms=round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
                       queries=sorted(queries), bytes=max(sizes))


def search_plans(application, password: str, urls: dict[str, str]) -> dict[str, list[dict]]:
    """EXPLAIN ANALYZE of the statements with ILIKE that each search page runs, with their own parameters."""
    from sqlalchemy import event

    from app.extensions import db

    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "ILIKE" in statement:
            captured.append((statement, parameters))

    client = application.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login/", data={"username": ADMIN, "password": password, "csrf_token": token})
    plans: dict[str, list[dict]] = {}
    with application.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        for label, url in urls.items():
            captured.clear()
            client.get(url)
            plans[label] = []
            for statement, parameters in list(captured):
                raw = engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                finally:
                    raw.close()
                plans[label].append({
                    "statement": " ".join(statement.split())[:400],
                    "uses": sorted(set(re.findall(r"(Seq Scan on \w+|Index (?:Only )?Scan(?: Backward)? using \w+"
                                                  r"|Bitmap Index Scan on \w+)", plan))),
                    "execution_ms": float(re.search(r"Execution Time: ([0-9.]+) ms", plan).group(1)),
                    "plan": plan,
                })
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return plans


def run(args) -> dict:
    application, samples = prepare(args.database_url, args.n, args.seed)
    page_list = [p for p in pages(samples) if not args.only or any(word in p.name for word in args.only)]
    server = Server(args.database_url, args.workers)
    try:
        server.wait_ready()
        sessions = [login(server.base, samples["password"]) for _ in range(args.threads)]
        for page in page_list:  # warm both workers' caches and connections
            for url in filter(None, (page.ours, page.stock)):
                measure(sessions, server.base + url, 2 * args.threads, budget=args.budget)
        rounds: dict[str, dict[str, list[Measurement]]] = {p.name: {"ours": [], "stock": []} for p in page_list}
        for round_number in range(args.rounds):
            for page in page_list:
                sides = [("ours", page.ours), ("stock", page.stock)]
                if round_number % 2:  # alternate who goes first, so neither always meets a warmer machine
                    sides.reverse()
                for side, url in sides:
                    if url:
                        rounds[page.name][side].append(
                            measure(sessions, server.base + url, args.requests, budget=args.budget))
                        last = rounds[page.name][side][-1]
                        print(f"  round {round_number + 1} {page.name:<44} {side:<5} {last.req_per_s:>7.2f} req/s "
                              f"queries {last.queries}", flush=True)
    finally:
        server.stop()
    plans = search_plans(application, samples["password"], {
        f"{page.name}, {side}": url for page in page_list if "search" in page.name
        for side, url in (("ours", page.ours), ("stock", page.stock)) if url
    }) if args.plans else {}
    with application.app_context():
        from app.extensions import db

        db.engine.dispose()
    results = []
    for page in page_list:
        entry = {"page": page.name}
        for side in ("ours", "stock"):
            runs = rounds[page.name][side]
            if not runs:
                continue
            entry[side] = {
                "url": runs[0].url.replace(server.base, ""),
                "req_per_s_median": round(statistics.median(r.req_per_s for r in runs), 2),
                "requests": sum(r.requests for r in runs),
                "p50_ms": round(statistics.median(r.p50_ms for r in runs), 1),
                "queries": sorted({q for r in runs for q in r.queries}),
                "bytes": max(r.bytes for r in runs),
                "rounds": [asdict(r) for r in runs],
            }
        if "stock" in entry:
            entry["speedup"] = round(entry["ours"]["req_per_s_median"] / max(entry["stock"]["req_per_s_median"], 0.01), 1)
        results.append(entry)
    return {"n": args.n, "workers": args.workers, "client_threads": args.threads, "rounds": args.rounds,
            "requests_per_measurement": args.requests, "budget_seconds": args.budget,
            "machine": {"cpus": os.cpu_count(), "load_average_after": os.getloadavg()},
            "pages": results, "search_plans": plans}


def print_table(report: dict) -> None:
    print(f"\nBack office at N={report['n']} companies, gunicorn -w {report['workers']}, "
          f"{report['client_threads']} client threads, median of {report['rounds']} rounds")
    print(f"{'page':<44} {'queries':>8} {'stock q':>8} {'req/s':>8} {'stock':>8} {'x':>5} {'p50 ms':>7} {'stock':>8}")
    for entry in report["pages"]:
        ours, stock = entry["ours"], entry.get("stock")
        print(f"{entry['page']:<44} {_q(ours):>8} {_q(stock):>8} {ours['req_per_s_median']:>8.2f} "
              f"{(stock or {}).get('req_per_s_median', float('nan')):>8.2f} {entry.get('speedup', float('nan')):>5.1f} "
              f"{ours['p50_ms']:>7.1f} {(stock or {}).get('p50_ms', float('nan')):>8.1f}")
    print("\nSearch plans (EXPLAIN ANALYZE):")
    for label, statements in report["search_plans"].items():
        for item in statements:
            kind = "count" if "count(" in item["statement"].lower() else "page"
            print(f"  {label:<52} {kind:<5} {item['execution_ms']:>8.2f} ms  {', '.join(item['uses'])}")


def _q(side: dict | None) -> str:
    if not side:
        return "-"
    return "/".join(str(q) for q in side["queries"])


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every load test of pages takes: data, requests, rounds, threads, workers, pages."""
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20180319)
    parser.add_argument("--requests", type=int, default=200, help="requests per page and round (default 200)")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds a measurement may take at most")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="measure only the pages whose name contains one of these words")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_back_office", description=__doc__.split("\n")[0])
    add_load_arguments(parser)
    parser.add_argument("--no-plans", dest="plans", action="store_false", help="skip EXPLAIN ANALYZE of the searches")
    args = parser.parse_args(argv)
    report = run(args)
    print_table(report)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / "back_office.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nWritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
