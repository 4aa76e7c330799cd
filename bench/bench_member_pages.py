"""Member, public and back-office pages beside the floor, in one run: `python -m bench` (or `make bench`).

    python -m bench [--n 100000] [--requests 200] [--rounds 3] [--only dashboard "company list"]

On the generated database of bench.bench_back_office (N companies), a bench member is made a
signatory of a few generated companies (and the registry file the portal reads lists them,
so they stay theirs). Two gunicorn servers run side by side with the same number of workers:
Ghurfa (bench.stock_app) and the floor (bench.floor_app: one row by primary key, the most
any Flask page with one query can do here). Each round measures the floor, then every page
(the order alternating round by round); a page's ratio is its median requests per second
over the floor's. Back-office pages are also measured beside stock Flask-AppBuilder's.
Prints the table with SQL statements per request and p50/p99; writes bench/out/pages.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from bench import bench_back_office as office

MEMBER = "bench-member"
CIVIL_ID = "29999991"
MEMBER_COMPANIES = 5
REGISTRY_FILE = office.OUT_DIR / "member_registry.json"
RECEIPT = "REN-2026-900001"  # the bench member's fulfilled renewal, whose receipt page is measured


@dataclass(frozen=True)
class BenchPage:
    group: str  # "member", "public" or "back office"
    name: str
    url: str
    stock: str | None = None


def prepare_member(application, n: int, password: str) -> dict:
    """The bench member (verified, Member role), signatory of MEMBER_COMPANIES generated companies; the
    registry file listing those companies with all their signatories; a certificate's check token."""
    from sqlalchemy import select

    from app.adapters.registry.records import SIGNATORY_ROLES
    from app.extensions import db
    from app.services.audit.trail import acting_as
    from models import Certificate, Company, Member, OrderLine, ServiceOrder, Signatory

    ids = [1 + (i * n) // MEMBER_COMPANIES for i in range(MEMBER_COMPANIES)]
    with application.app_context(), acting_as("system:bench"):
        sm = application.appbuilder.sm
        user = sm.find_user(username=MEMBER)
        if user is None:
            user = sm.add_user(MEMBER, "Bench", "Member", "bench-member@example.om", sm.find_role("Member"),
                               password=password)
        else:
            sm.reset_password(user.id, password)
        if db.session.scalar(select(Member).where(Member.user_id == user.id)) is None:
            stamp = dt.datetime(2026, 1, 1)
            db.session.add(Member(user_id=user.id, first_name="Bench", family_name="Member", mobile="+96899000001",
                                  country="OM", id_type="civil_id", id_number=CIVIL_ID, language="en",
                                  email_verified_at=stamp, mobile_verified_at=stamp))
        records = []
        for company in db.session.scalars(select(Company).where(Company.id.in_(ids))):
            if not any(s.civil_id == CIVIL_ID for s in company.signatories):
                company.signatories.append(Signatory(civil_id=CIVIL_ID, name_en="Bench Member",
                                                     name_ar="عضو القياس", role="partner"))
            records.append({
                "cr_number": company.cr_number, "name_en": company.registry_name_en or company.name_en,
                "name_ar": company.registry_name_ar or company.name_ar, "address": company.address or "Muscat",
                "governorate_code": company.governorate.code if company.governorate else "muscat",
                "grade_code": company.registry_grade.code if company.registry_grade else "fourth",
                "status": company.cr_status,
                "expires_on": (company.cr_expires_on or dt.date(2030, 1, 1)).isoformat(),
                "updated_at": "2026-01-01T00:00:00.000000Z",
                "signatories": [{"civil_id": s.civil_id, "name_en": s.name_en or s.name_ar,
                                 "name_ar": s.name_ar or s.name_en,
                                 "role": s.role if s.role in SIGNATORY_ROLES else "authorised_signatory"}
                                for s in company.signatories if s.active],
            })
        if db.session.scalar(select(ServiceOrder).where(ServiceOrder.reference == RECEIPT)) is None:
            paid = dt.datetime(2026, 1, 5, 9, 30)
            order = ServiceOrder(reference=RECEIPT, service="renewal", status="fulfilled", user_id=user.id,
                                 company_id=ids[0], quoted_on=paid.date(), period_months=12, total=50_000,
                                 currency="OMR", details={}, paid_at=paid, fulfilled_at=paid)
            order.lines.append(OrderLine(position=1, kind="year_1", amount=50_000))
            db.session.add(order)
        db.session.commit()
        token = db.session.scalar(select(Certificate.verify_token).order_by(Certificate.id).limit(1))
        db.session.remove()
    REGISTRY_FILE.parent.mkdir(parents=True, exist_ok=True)
    REGISTRY_FILE.write_text(json.dumps({"companies": records}, ensure_ascii=False))
    return {"token": token, "companies": len(records)}


def member_pages(token: str) -> list[BenchPage]:
    services = ("renewal", "new-membership", "replacement", "name-change", "grade-change")
    return [
        BenchPage("member", "member dashboard", "/portal/"),
        *[BenchPage("member", f"{service} start", f"/services/{service}/") for service in services],
        BenchPage("member", "receipt", f"/services/receipt/{RECEIPT}"),
        BenchPage("public", "certificate check", f"/verify/{token}"),
        BenchPage("public", "login page", "/login/"),
        BenchPage("public", "registration page", "/register/"),
    ]


class FloorServer(office.Gunicorn):
    """bench.floor_app with as many workers as Ghurfa's."""

    def __init__(self, database_url: str, workers: int) -> None:
        super().__init__("bench.floor_app:create_app()", workers, {"DATABASE_URL": database_url}, "floor.log")


def login_as(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/login/", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(base + "/login/", data={"username": username, "password": password, "csrf_token": token},
                            allow_redirects=False, timeout=10)
    if response.status_code != 302 or "login" in response.headers.get("Location", "/login"):
        raise RuntimeError(f"{username} could not log in")
    return session


def _summary(runs: list[office.Measurement]) -> dict:
    return {
        "req_per_s_median": round(statistics.median(r.req_per_s for r in runs), 2),
        "p50_ms": round(statistics.median(r.p50_ms for r in runs), 1),
        "p99_ms": round(statistics.median(r.p99_ms for r in runs), 1),
        "queries": sorted({q for r in runs for q in r.queries}),
        "requests": sum(r.requests for r in runs),
    }


def run(args) -> dict:
    application, samples = office.prepare(args.database_url, args.n, args.seed)
    member_password = secrets.token_urlsafe(18)
    member = prepare_member(application, args.n, member_password)
    os.environ.update(REGISTRY_BACKEND="file", REGISTRY_FILE=str(REGISTRY_FILE))
    page_list = member_pages(member["token"]) + [
        BenchPage("back office", p.name, p.ours, p.stock) for p in office.pages(samples)]
    if args.only:
        page_list = [p for p in page_list if any(word in p.name for word in args.only)]
    floor_url = f"/company/{samples['company_id']}"
    server, floor = office.Server(args.database_url, args.workers), FloorServer(args.database_url, args.workers)
    rounds: dict[str, dict[str, list]] = {p.name: {"ours": [], "stock": []} for p in page_list}
    floor_runs: list[office.Measurement] = []
    try:
        server.wait_ready()
        floor.wait_ready(floor_url)
        sessions = {
            "member": [login_as(server.base, MEMBER, member_password) for _ in range(args.threads)],
            "public": [requests.Session() for _ in range(args.threads)],
            "back office": [office.login(server.base, samples["password"]) for _ in range(args.threads)],
        }
        anonymous = [requests.Session() for _ in range(args.threads)]
        for page in page_list:  # warm both workers' caches and connections
            for url in filter(None, (page.url, page.stock)):
                office.measure(sessions[page.group], server.base + url, 2 * args.threads, budget=args.budget)
        office.measure(anonymous, floor.base + floor_url, 2 * args.threads, budget=args.budget)
        for round_number in range(args.rounds):
            floor_runs.append(office.measure(anonymous, floor.base + floor_url, args.requests, budget=args.budget))
            print(f"  round {round_number + 1} {'floor':<44} {floor_runs[-1].req_per_s:>8.2f} req/s", flush=True)
            ordered = page_list if round_number % 2 == 0 else list(reversed(page_list))
            for page in ordered:
                for side, url in (("ours", page.url), ("stock", page.stock)):
                    if not url:
                        continue
                    result = office.measure(sessions[page.group], server.base + url, args.requests,
                                            budget=args.budget)
                    rounds[page.name][side].append(result)
                    print(f"  round {round_number + 1} {page.name:<44} {side:<5} {result.req_per_s:>8.2f} req/s "
                          f"queries {result.queries}", flush=True)
    finally:
        server.stop()
        floor.stop()
    with application.app_context():
        from app.extensions import db

        db.engine.dispose()
    floor_summary = _summary(floor_runs)
    results = []
    for page in page_list:
        entry = {"group": page.group, "page": page.name, "url": page.url, "ours": _summary(rounds[page.name]["ours"])}
        entry["floor_ratio"] = round(entry["ours"]["req_per_s_median"] / floor_summary["req_per_s_median"], 3)
        if rounds[page.name]["stock"]:
            entry["stock"] = _summary(rounds[page.name]["stock"])
            entry["speedup"] = round(entry["ours"]["req_per_s_median"]
                                     / max(entry["stock"]["req_per_s_median"], 0.01), 2)
        results.append(entry)
    by_name = {entry["page"]: entry for entry in results}
    for entry in results:
        first = by_name.get(entry["page"].removesuffix(office.DEEP)) if entry["page"].endswith(office.DEEP) else None
        if first:  # how much slower the page 90% of the way down is than page 1 (goal: at most 1.5)
            entry["depth_ratio"] = round(first["ours"]["req_per_s_median"] / entry["ours"]["req_per_s_median"], 2)
    return {"n": args.n, "workers": args.workers, "client_threads": args.threads, "rounds": args.rounds,
            "requests_per_measurement": args.requests, "member_companies": member["companies"],
            "machine": {"cpus": os.cpu_count(), "load_average_after": os.getloadavg()},
            "floor": floor_summary, "pages": results}


def print_table(report: dict) -> None:
    floor = report["floor"]
    print(f"\nN={report['n']:,} companies, gunicorn -w {report['workers']}, {report['client_threads']} client threads, "
          f"median of {report['rounds']} rounds; load average after {tuple(round(x, 2) for x in report['machine']['load_average_after'])}")
    print(f"floor (one row by primary key): {floor['req_per_s_median']:.1f} req/s, p50 {floor['p50_ms']} ms")
    print(f"{'group':<12} {'page':<44} {'SQL':>6} {'req/s':>8} {'/floor':>7} {'p50 ms':>7} {'p99 ms':>7} {'x stock':>8}")
    for entry in report["pages"]:
        ours = entry["ours"]
        queries = "/".join(str(q) for q in ours["queries"])
        speedup = f"{entry['speedup']:.2f}" if "speedup" in entry else "-"
        print(f"{entry['group']:<12} {entry['page']:<44} {queries:>6} {ours['req_per_s_median']:>8.2f} "
              f"{entry['floor_ratio']:>7.3f} {ours['p50_ms']:>7.1f} {ours['p99_ms']:>7.1f} {speedup:>8}")
    for entry in report["pages"]:
        if "depth_ratio" in entry:
            print(f"{entry['page']}: {entry['depth_ratio']:.2f} times page 1's time per request")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    office.add_load_arguments(parser)
    parser.add_argument("--json", type=Path, default=office.OUT_DIR / "pages.json")
    args = parser.parse_args(argv)
    report = run(args)
    print_table(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nWritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
