"""What the đảng ủy's side costs for a large đảng bộ (docs/committee-bundle.md): N chi bộ
bundles of real certified meetings, imported and verified into a committee workspace,
the đảng bộ's proposal computed, the committee bundle signed and re-verified with its
folder of chi bộ bundles.

The bundles are built first (each chi bộ its own data directory and signing key, see
certified_meeting.py; a few minutes at 100 chi bộ): keep them with --save DIR and time
them again with --bundles DIR. Then, on a fresh workspace:

    floor     read, parse and hash every bundle (load_bundle + bundle_digest): the least
              any import does
    import    `ballot committee import` of every bundle: each verified in full against
              its registered fingerprint, then stored (one transaction each)
    report    the đảng bộ's proposal with the cap across the đảng bộ (`committee report`)
    certify   the committee bundle signed, self-verified with every chi bộ bundle, written
    verify    `ballot verify COMMITTEE --with FOLDER`: every chi bộ bundle re-verified and
              the proposal and statistics recomputed

Each figure is printed in seconds and as a ratio to the floor of the same run.

Usage:
    python bench/committee_import.py                          # 100 chi bộ of 20 to 40 (3,000 members)
    python bench/committee_import.py --branches 10 --save /tmp/bundles-10
    python bench/committee_import.py --bundles /tmp/bundles-10
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from certified_meeting import certified_bundle  # bench/, beside this script
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REVIEW_DATE = dt.date(2026, 12, 15)


def sizes(branches: int, average: int) -> list[int]:
    """Chi bộ of different sizes around `average` (± a third), summing to branches × average."""
    width = average // 3
    spread = [average + ((i * 7) % (2 * width + 1)) - width for i in range(branches)]
    spread[-1] += branches * average - sum(spread)
    return spread


def _build(job: tuple[int, int, str]) -> tuple[str, bytes, str]:
    index, members, folder = job
    name = f"Chi bộ số {index:03d}"
    data, fingerprint = certified_bundle(Path(folder) / f"chi-bo-{index:03d}", members, REVIEW_DATE, name)
    return name, data, fingerprint


def build(branches: int, average: int, workers: int) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="committee-bench-") as folder:
        jobs = [(i, n, folder) for i, n in enumerate(sizes(branches, average), 1)]
        with ProcessPoolExecutor(workers) as pool:
            built = []
            for name, data, fingerprint in pool.map(_build, jobs):
                built.append({"name": name, "data": data, "fingerprint": fingerprint})
                print(f"  {len(built)}/{branches} bundles built", end="\r", file=sys.stderr)
    print(file=sys.stderr)
    return built


def save(bundles: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, bundle in enumerate(bundles, 1):
        (folder / f"{i:03d}.json").write_bytes(bundle["data"])
    (folder / "registry.json").write_text(json.dumps(
        [{"name": b["name"], "fingerprint": b["fingerprint"]} for b in bundles], ensure_ascii=False))


def load(folder: Path) -> list[dict]:
    registry = json.loads((folder / "registry.json").read_text())
    return [{**entry, "data": (folder / f"{i:03d}.json").read_bytes()} for i, entry in enumerate(registry, 1)]


def timed(step):
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def measure(bundles: list[dict]) -> dict[str, float]:
    from ballot.config import load_settings
    from ballot.report import committee as committee_format
    from ballot.report.canonical import bundle_digest, load_bundle
    from ballot.services.committee import CommitteeWorkspace

    figures: dict[str, float] = {}
    figures["floor"], _ = timed(lambda: [bundle_digest(load_bundle(b["data"])) for b in bundles])
    with tempfile.TemporaryDirectory(prefix="dang-uy-") as folder:
        workspace = CommitteeWorkspace(load_settings(folder))
        try:
            workspace.init("Đảng ủy phường đo hiệu năng", "366-2025")
            for bundle in bundles:
                workspace.register(bundle["name"], bundle["fingerprint"])
            figures["import"], results = timed(
                lambda: [workspace.import_file(f"{i:03d}.json", b["data"]) for i, b in enumerate(bundles, 1)])
            refused = [r for r in results if not r.accepted]
            if refused:
                raise SystemExit(f"{len(refused)} bundles refused, e.g. {refused[0].message}")
            figures["report"], report = timed(workspace.report)
            settle(workspace, report)
            out = Path(folder) / "out" / "dang-uy.json"
            figures["certify"], written = timed(lambda: workspace.certify("01-NQ/ĐU", out, REVIEW_DATE))
            files = committee_format.folder_files(Path(written["folder"]))
            figures["verify"], verified = timed(
                lambda: committee_format.verify_committee_bundle(out.read_bytes(), files))
            if not verified.ok:
                raise SystemExit(f"the committee bundle fails: {verified.first_failure.detail_vi}")
            figures["members"] = len(report["members"])
        finally:
            workspace.close()
    return figures


def settle(workspace, report: dict) -> None:
    """The đảng ủy's decisions the software never takes: ties at a cap, and the chi bộ
    that held no round on themselves (here, all of them)."""
    for member in report["members"]:
        if member["status"] in ("tie", "conflict"):
            workspace.decide(member["branch"], member["id"], "HTTNV", "Đảng ủy xét, quyết định.")
    for branch in report["branches"]:
        if branch["level"] is None:
            workspace.decide(branch["name"], None, "HTTNV", "Đảng ủy xét theo kết quả của chi bộ.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--members", type=int, default=30, help="average members per chi bộ")
    parser.add_argument("--workers", type=int, default=2, help="processes building the bundles")
    parser.add_argument("--bundles", type=Path, help="time the bundles kept in this folder")
    parser.add_argument("--save", type=Path, help="keep the bundles built here")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()

    if args.bundles:
        bundles = load(args.bundles)
    else:
        print(f"building {args.branches} certified chi bộ meetings…", file=sys.stderr)
        bundles = build(args.branches, args.members, args.workers)
        if args.save:
            save(bundles, args.save)
    figures = measure(bundles)
    print(json.dumps(machine()))
    megabytes = sum(len(b["data"]) for b in bundles) / 1e6
    print(f"{len(bundles)} chi bộ bundles, {figures['members']:.0f} members, {megabytes:.1f} MB")
    print(f"{'step':<10}{'seconds':>9}{'× floor':>9}")
    for name in ("floor", "import", "report", "certify", "verify"):
        print(f"{name:<10}{figures[name]:>9.2f}{figures[name] / figures['floor']:>9.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"branches": len(bundles), **figures, "machine": machine()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
