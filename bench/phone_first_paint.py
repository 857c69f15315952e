"""The join page on a cheap phone over a poor meeting-room Wi-Fi: first paint and
ballot-ready times in Chromium, throttled as a budget phone on a slow link is
(400 kbit/s each way, 300 ms round trip, CPU 4x slower, through the DevTools
protocol), against a real `ballot demo` server on loopback.

Each figure is also given as a ratio to a floor measured in the same run on the same
throttled link: the first paint of a one-line page of the same server (one request,
no style sheet, no script), i.e. what the link alone costs. Cold cache every run.

    .venv/bin/python bench/phone_first_paint.py              # 30 members, 5 runs
    .venv/bin/python bench/phone_first_paint.py --members 300 --runs 3 --json bench/results/first_paint.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine  # noqa: E402
from meeting_load import start_server, stop_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
KBIT = 1000 / 8  # bytes per second in one kbit/s
LINK = {"offline": False, "latency": 300, "downloadThroughput": 400 * KBIT, "uploadThroughput": 400 * KBIT}
CPU_SLOWDOWN = 4
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "vi-VN"}
FLOOR_PAGE = "/static/js/too-old.js"  # one small text file: the link's own cost

PAINT = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const loaded = performance.getEntriesByType("resource").concat([nav]);
  return {fcp: paint ? paint.startTime : null,
          bytes: loaded.reduce((sum, r) => sum + (r.transferSize || 0), 0),
          requests: loaded.length,
          files: loaded.map((r) => [new URL(r.name).pathname, r.transferSize || 0])};
}"""


def throttled_page(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", LINK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page


def floor_paint(browser, base: str) -> float:
    context, page = throttled_page(browser)
    page.goto(base + FLOOR_PAGE)
    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length")
    fcp = page.evaluate(PAINT)["fcp"]
    context.close()
    return fcp


def join_run(browser, base: str, meeting_code: str, personal_code: str, questions: int) -> dict:
    """First paint of the join page, then ready to type (the script booted), then the
    ballot on screen after the tap on “Vào cuộc họp” (join, state, round form)."""
    context, page = throttled_page(browser)
    page.goto(f"{base}/j/{meeting_code}?c={personal_code}", wait_until="commit")
    page.wait_for_selector("#personal-code")
    ready = page.evaluate("() => performance.now()")
    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length")
    measured = page.evaluate(PAINT)
    tapped = page.evaluate("() => performance.now()")
    page.get_by_role("button", name="Vào cuộc họp").click()
    page.wait_for_function(f"() => document.querySelectorAll('#ballot fieldset.question').length === {questions}",
                           timeout=120_000)
    ballot = page.evaluate("() => performance.now()") - tapped
    context.close()
    return {**measured, "join_ready": ready, "ballot_ready": ballot}


def open_round(base: str, codes: dict) -> int:
    host = requests.Session()
    login = host.post(f"{base}/api/host/login", json=codes["host"], timeout=30)
    host.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    meeting = codes["meeting_id"]
    host.post(f"{base}/api/host/meetings/{meeting}/presence/all", timeout=30).raise_for_status()
    created = host.post(f"{base}/api/host/meetings/{meeting}/rounds", json={"kind": "classification"}, timeout=60)
    created.raise_for_status()
    host.post(f"{base}/api/host/rounds/{created.json()['id']}/open", timeout=30).raise_for_status()
    return len(created.json()["questions"]) if "questions" in created.json() else len(
        host.get(f"{base}/api/host/meetings/{meeting}", timeout=30).json()["round"]["questions"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        process, codes = start_server(args.members, work / "data", work / "codes.json", work / "server.log")
        try:
            base = codes["base_url"]
            questions = open_round(base, codes)
            voters = [m for m in codes["members"] if m["status"] == "chinh_thuc"]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                floors = [floor_paint(browser, base) for _ in range(args.runs)]
                runs = [join_run(browser, base, codes["meeting_code"], voters[i % len(voters)]["personal_code"],
                                 questions) for i in range(args.runs)]
                browser.close()
        finally:
            stop_server(process)

    floor = statistics.median(floors)
    rows = {name: statistics.median(r[name] for r in runs) for name in ("fcp", "join_ready", "ballot_ready")}
    print(f"Join page on a throttled phone: {args.members} members, {questions} on the ballot, "
          f"{args.runs} cold runs; link 400 kbit/s, 300 ms RTT, CPU x{CPU_SLOWDOWN}")
    print(", ".join(f"{k}: {v}" for k, v in machine().items()))
    print(f"{'measure':<34}{'median ms':>10}{'× floor':>9}")
    print(f"{'floor: one small text file':<34}{floor:>10.0f}{1:>9.1f}")
    labels = {"fcp": "first paint of the join page", "join_ready": "ready to type the code",
              "ballot_ready": "ballot on screen after the tap"}
    for name, label in labels.items():
        print(f"{label:<34}{rows[name]:>10.0f}{rows[name] / floor:>9.1f}")
    first = runs[0]
    print(f"loaded by the time the code field shows (compressed): {first['requests']} requests, "
          f"{first['bytes'] / 1000:.1f} kB:")
    for path, size in first["files"]:
        print(f"   {size / 1000:7.1f} kB  {path}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"members": args.members, "floor_ms": floor, "median_ms": rows,
                                         "runs": runs, "floors": floors}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
