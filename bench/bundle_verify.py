"""What verifying a large certified bundle costs, step by step (docs/bundle.md,
"Verifying a bundle").

Builds a meeting of N members in process (ballot.services.facade.Services on a fresh
data directory, the demo roster, every full member present voting on every member),
certifies it, then times on the bundle file:

    load      JSON parse with the duplicate-key and NaN refusals (load_bundle)
    schema    the JSON Schema check of docs/bundle.schema.json (schema_problems)
    digest    SHA-256 of the RFC 8785 bytes: the signed digest (bundle_digest)
    verify    the whole of `ballot verify` in process (verify_bundle), every check

and prints each step's median over --runs, and the schema's share of `verify`.

Usage:
    python bench/bundle_verify.py                       # 1,000 members, 3 runs
    python bench/bundle_verify.py --members 200 --runs 5
    python bench/bundle_verify.py --save bench/results/bundle-1000.json   # keep the bundle
    python bench/bundle_verify.py --bundle bench/results/bundle-1000.json # time a kept one
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from certified_meeting import certified_bundle  # bench/, beside this script
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def build_bundle(members: int, profile_date: dt.date) -> bytes:
    """A certified meeting of `members`: every full member present casts a full ballot."""
    work = Path(tempfile.mkdtemp(prefix="bundle-bench-"))
    started = time.perf_counter()
    data, _ = certified_bundle(work / "data", members, profile_date, "Chi bộ đo hiệu năng")
    print(f"  built and certified in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return data


def time_steps(data: bytes, runs: int) -> dict[str, float]:
    from ballot.report.canonical import bundle_digest, load_bundle
    from ballot.report.schema import schema_problems
    from ballot.report.verify import verify_bundle

    schema_problems({})  # build the validator once, as a long-running verifier would
    bundle = load_bundle(data)
    steps = {
        "load": lambda: load_bundle(data),
        "schema": lambda: schema_problems(bundle),
        "digest": lambda: bundle_digest(bundle),
        "verify": lambda: verify_bundle(data),
    }
    medians = {}
    for name, step in steps.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = step()
            times.append((time.perf_counter() - started) * 1000)
        if name == "schema":
            assert result == [], result  # a genuine bundle breaks nothing
        if name == "verify":
            assert result.ok, [c.to_dict() for c in result.checks if not c.holds]
        medians[name] = statistics.median(times)
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the meeting's date; it chooses the rule profile in force")
    parser.add_argument("--bundle", type=Path, help="time this bundle file instead of building one")
    parser.add_argument("--save", type=Path, help="keep the bundle built here")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()

    if args.bundle:
        data = args.bundle.read_bytes()
    else:
        print(f"building a certified meeting of {args.members} members…", file=sys.stderr)
        data = build_bundle(args.members, args.date)
        if args.save:
            args.save.parent.mkdir(parents=True, exist_ok=True)
            args.save.write_bytes(data)
    bundle = json.loads(data)
    medians = time_steps(data, args.runs)
    ballots = sum(len(r["ballots"]) for r in bundle["rounds"])
    print(f"bundle: {len(bundle['roster'])} members, {ballots} ballots, "
          f"{len(data) / 1e6:.1f} MB, profile {bundle['profile']}")
    print(f"machine: {machine()}")
    print(f"{'step':<8} {'median ms':>10}  (of {args.runs} runs)")
    for name, ms in medians.items():
        print(f"{name:<8} {ms:>10.1f}")
    print(f"schema / verify: {medians['schema'] / medians['verify']:.1%}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "members": len(bundle["roster"]), "ballots": ballots, "bytes": len(data),
            "profile": bundle["profile"], "runs": args.runs, "median_ms": medians,
            "machine": machine()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
