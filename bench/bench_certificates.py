"""Benchmark of the certificate PDF: the first render in a process, then many renders in a row.

Run from the repository root:

    python -m bench.bench_certificates            # 1,000 different certificates
    python -m bench.bench_certificates --count 200 --same --json bench/out/certificates.json

Every certificate in the run is a different one (its own serial, CR number,
names and verification URL), as when a day's renewals are printed; --same
re-renders the seed certificate instead. Wall-clock and CPU times are both
reported, with the load average, because on a shared machine the wall clock
also measures the neighbours.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

GOAL_MS = 100.0
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FONT_DIR = REPO_ROOT / "app" / "static" / "vendor" / "fonts"

_COMPANIES = [
    ("promising projects", "المشاريع الواعدة"),
    ("Al Noor Trading LLC", "شركة النور للتجارة ش.م.م"),
    ("Muscat Engineering Services", "مسقط للخدمات الهندسية"),
    ("Sohar Logistics and Shipping", "صحار للخدمات اللوجستية والشحن"),
    ("Dhofar Fisheries Company", "شركة ظفار للأسماك"),
]
_GRADES = [
    ("Excellent", "الممتازة"),
    ("First", "الأولى"),
    ("Second", "الثانية"),
    ("Third", "الثالثة"),
    ("Fourth", "الرابعة"),
]
#: Oman's eleven governorates: the longest names set the fields a size smaller.
_OFFICES = [
    ("Muscat Governorate", "محافظة مسقط"),
    ("Dhofar Governorate", "محافظة ظفار"),
    ("Musandam Governorate", "محافظة مسندم"),
    ("Al Buraimi Governorate", "محافظة البريمي"),
    ("Ad Dakhiliyah Governorate", "محافظة الداخلية"),
    ("North Al Batinah Governorate", "محافظة شمال الباطنة"),
    ("South Al Batinah Governorate", "محافظة جنوب الباطنة"),
    ("North Ash Sharqiyah Governorate", "محافظة شمال الشرقية"),
    ("South Ash Sharqiyah Governorate", "محافظة جنوب الشرقية"),
    ("Ad Dhahirah Governorate", "محافظة الظاهرة"),
    ("Al Wusta Governorate", "محافظة الوسطى"),
]


def seed_snapshot():
    """The certificate of the old portal's guide, with an expiry one year after issue."""
    from app.certificates.snapshot import CertificateSnapshot

    return CertificateSnapshot(
        serial="2018-5F3A9C21",
        chamber_name_en="Oman Chamber of Commerce & Industry",
        chamber_name_ar="غرفة تجارة وصناعة عمان",
        company_name_en="promising projects",
        company_name_ar="المشاريع الواعدة",
        cr_number="1229237",
        grade_en="Fourth",
        grade_ar="الرابعة",
        occi_number="1128046",
        issued_on=date(2018, 3, 19),
        expires_on=date(2019, 3, 19),
        head_office_en="Muscat Governorate",
        head_office_ar="محافظة مسقط",
    )


def generate_snapshots(count: int, *, seed: int = 1229237):
    """`count` different certificates, the same ones for the same seed."""
    rng = random.Random(seed)
    base = seed_snapshot()
    for index in range(count):
        issued = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 2000))
        company = rng.choice(_COMPANIES)
        grade = rng.choice(_GRADES)
        office = rng.choice(_OFFICES)
        yield replace(
            base,
            serial=f"{issued:%Y}-{rng.getrandbits(32):08X}",
            company_name_en=f"{company[0]} {index}",
            company_name_ar=f"{company[1]} {index}",
            cr_number=str(rng.randrange(1_000_000, 1_999_999)),
            occi_number=str(rng.randrange(1_000_000, 1_999_999)),
            grade_en=grade[0],
            grade_ar=grade[1],
            head_office_en=office[0],
            head_office_ar=office[1],
            issued_on=issued,
            expires_on=issued + timedelta(days=365 * rng.choice((1, 2))),
        )


def _verify_url(serial: str) -> str:
    return f"https://eservices.chamberoman.com/certificates/verify/{serial}?t=bench{serial[-8:]}"


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def reference_loop_ms() -> float:
    """CPU time of a fixed pure-Python loop, to compare machines and moments.

    On a shared machine CPU time is inflated too (contended caches and cores);
    the certificate figures are best read against this one, taken in the same
    run.
    """
    started = time.process_time()
    sum(i * i for i in range(1_000_000))
    return (time.process_time() - started) * 1000


def run(count: int, *, same: bool, font_dir: Path) -> dict:
    load_before = os.getloadavg()
    reference_before = reference_loop_ms()
    started = time.perf_counter()
    from app.certificates.pdf import render_certificate_pdf

    import_ms = (time.perf_counter() - started) * 1000

    first = seed_snapshot()
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = render_certificate_pdf(first, verify_url=_verify_url(first.serial), font_dir=font_dir)
    first_ms = (time.perf_counter() - wall) * 1000
    first_cpu_ms = (time.process_time() - cpu) * 1000

    snapshots = [first] * count if same else list(generate_snapshots(count))
    walls: list[float] = []
    cpus: list[float] = []
    sizes: list[int] = []
    for snapshot in snapshots:
        url = _verify_url(snapshot.serial)
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_certificate_pdf(snapshot, verify_url=url, font_dir=font_dir)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        sizes.append(len(pdf))
    walls_sorted = sorted(walls)
    reference = (reference_before + reference_loop_ms()) / 2
    return {
        "count": count,
        "same_certificate": same,
        "import_ms": round(import_ms, 1),
        "first_render_ms": round(first_ms, 1),
        "first_render_cpu_ms": round(first_cpu_ms, 1),
        "mean_ms": round(statistics.fmean(walls), 1),
        "median_ms": round(statistics.median(walls), 1),
        "p95_ms": round(_percentile(walls_sorted, 0.95), 1),
        "max_ms": round(walls_sorted[-1], 1),
        "mean_cpu_ms": round(statistics.fmean(cpus), 1),
        "p95_cpu_ms": round(_percentile(sorted(cpus), 0.95), 1),
        "mean_pdf_bytes": round(statistics.fmean(sizes)),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "reference_loop_cpu_ms": round(reference, 1),
        "goal_ms": GOAL_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="renders in a row (default 1000)")
    parser.add_argument("--same", action="store_true", help="re-render the seed certificate each time")
    parser.add_argument("--font-dir", type=Path, default=DEFAULT_FONT_DIR)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 when the mean or p95 misses the goal")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")

    result = run(args.count, same=args.same, font_dir=args.font_dir)
    kind = "the same certificate" if args.same else "different certificates"
    print(f"certificate PDF, {result['count']} renders of {kind} "
          f"({result['cpus']} CPUs, load {result['load_average_before']} -> "
          f"{result['load_average_after']})")
    print(f"  import of the renderer   {result['import_ms']:8.1f} ms")
    print(f"  first render             {result['first_render_ms']:8.1f} ms "
          f"(cpu {result['first_render_cpu_ms']:.1f} ms)")
    print(f"  mean                     {result['mean_ms']:8.1f} ms (cpu {result['mean_cpu_ms']:.1f} ms)")
    print(f"  median                   {result['median_ms']:8.1f} ms")
    print(f"  p95                      {result['p95_ms']:8.1f} ms (cpu {result['p95_cpu_ms']:.1f} ms)")
    print(f"  max                      {result['max_ms']:8.1f} ms")
    print(f"  mean size                {result['mean_pdf_bytes']:8d} bytes")
    print(f"  reference loop           {result['reference_loop_cpu_ms']:8.1f} ms cpu "
          "(a fixed pure-Python loop: the machine's speed at the time)")
    met = result["mean_ms"] < GOAL_MS and result["p95_ms"] < GOAL_MS
    return finish(result, args, met)


def finish(result: dict, args, met: bool) -> int:
    """Says whether the goal was met, writes the figures where --json asks; exit 1 on a miss with --check."""
    print(f"  goal: under {GOAL_MS:.0f} ms each: {'met' if met else 'MISSED'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
