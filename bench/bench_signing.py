"""Benchmark of the certificate's signature: signing one rendered certificate, and checking one signed certificate.

Run from the repository root:

    python -m bench.bench_signing                 # 200 different certificates
    python -m bench.bench_signing --count 50 --json bench/out/signing.json

The certificates are rendered first (not timed: bench_certificates measures that), then each
is signed as on issue (PAdES certification signature, the visible signature field, a document
timestamp from the local time-stamping authority) and each signed file is checked as the public
check page does (integrity, the chamber's chain, the timestamp, the serial). The key is a fresh
local chamber CA in a temporary folder; with a real TSA_URL the authority's round trip adds to
the signing time. The first signature of a process (the stamp font cut down, pyHanko imported)
is reported apart.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_certificates import DEFAULT_FONT_DIR, GOAL_MS, _percentile, _verify_url, finish, generate_snapshots


def _figures(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"mean_ms": round(statistics.fmean(values), 1), "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(_percentile(ordered, 0.95), 1), "max_ms": round(ordered[-1], 1)}


def run(count: int, *, font_dir: Path) -> dict:
    from app.certificates.pdf import render_certificate_pdf
    from app.certificates.signature_check import GENUINE, check_signed_pdf
    from app.certificates.signing import sign_pdf
    from app.certificates.signing_keys import make_chamber_ca, signing_key
    from app.certificates.stamp_font import stamp_font_dir

    with tempfile.TemporaryDirectory() as folder:
        keys = Path(folder) / "signing"
        make_chamber_ca(keys, password="bench", now=dt.datetime.now(dt.timezone.utc),
                        chamber_name="Oman Chamber of Commerce and Industry")
        key = signing_key({"SIGNING_PKCS12": str(keys / "chamber-signing.p12"), "SIGNING_PKCS12_PASSWORD": "bench",
                           "SIGNING_DEV_TSA": str(keys / "chamber-tsa.p12")})
        pdfs = [render_certificate_pdf(s, verify_url=_verify_url(s.serial), font_dir=font_dir)
                for s in generate_snapshots(count + 1)]
        started = time.perf_counter()
        stamp_fonts = stamp_font_dir(font_dir, Path(folder))
        first = sign_pdf(pdfs[0], key, now=dt.datetime.now(dt.timezone.utc), font_dir=stamp_fonts)
        first_sign_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        assert check_signed_pdf(first, key).outcome == GENUINE
        first_check_ms = (time.perf_counter() - started) * 1000
        signing, checking, sizes = [], [], []
        for pdf in pdfs[1:]:
            started = time.perf_counter()
            signed = sign_pdf(pdf, key, now=dt.datetime.now(dt.timezone.utc), font_dir=stamp_fonts)
            signing.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            outcome = check_signed_pdf(signed, key).outcome
            checking.append((time.perf_counter() - started) * 1000)
            if outcome != GENUINE:
                raise SystemExit(f"a signed certificate did not check as genuine: {outcome}")
            sizes.append(len(signed) - len(pdf))
    return {"count": count, "first_sign_ms": round(first_sign_ms, 1), "first_check_ms": round(first_check_ms, 1),
            "sign": _figures(signing), "check": _figures(checking),
            "mean_signature_bytes": round(statistics.fmean(sizes)), "goal_ms": GOAL_MS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="certificates signed and checked (default 200)")
    parser.add_argument("--font-dir", type=Path, default=DEFAULT_FONT_DIR)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a mean or p95 misses the goal")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    result = run(args.count, font_dir=args.font_dir)
    print(f"certificate signature, {result['count']} different certificates")
    print(f"  first signature / check  {result['first_sign_ms']:8.1f} / {result['first_check_ms']:.1f} ms")
    met = True
    for name in ("sign", "check"):
        figures = result[name]
        print(f"  {name:5}  mean {figures['mean_ms']:6.1f}  median {figures['median_ms']:6.1f}  "
              f"p95 {figures['p95_ms']:6.1f}  max {figures['max_ms']:6.1f} ms")
        met = met and figures["mean_ms"] < GOAL_MS and figures["p95_ms"] < GOAL_MS
    print(f"  signature adds {result['mean_signature_bytes']} bytes on average")
    return finish(result, args, met)


if __name__ == "__main__":
    sys.exit(main())
