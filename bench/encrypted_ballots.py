"""Cost of encrypted ballots (docs/encrypted-ballots.md) on phones and on the server.

Phone rows run the real static/js modules in Debian's Chromium (Playwright), with
the CPU throttled 4x through the DevTools protocol (Emulation.setCPUThrottlingRate),
as a stand-in for a cheap phone; server rows run ballot.crypto in this process.

  phone  voter: check the committee record (n = 3 and 7) and compute the joint key
  phone  voter: encrypt + prove a ballot for 10, 30, 100, 300 members (+ canonical JSON)
  phone  trustee: partial decryption of a 300-member round (1,200 totals)
  phone  trustee: re-add a small round's ballots (parse + add), to size the check
         the trustee's phone can afford before decrypting
  server verify one ballot at each size; add one ballot to the running tally
  server close of 300 ballots x 300 members: add all, check 2 shares, combine, discrete log
  sizes  ballot bytes at each size; what the bundle grows by per ballot and per round

Usage: python bench/encrypted_ballots.py [--runs 3] [--rate 4] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine  # noqa: E402

from ballot.crypto import committee, elgamal, threshold  # noqa: E402
from ballot.crypto import encrypted_ballot as eb  # noqa: E402
from ballot.crypto.canonical import canonical_json  # noqa: E402
from ballot.crypto.ristretto import Scalar  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SIZES = (10, 30, 100, 300)
CLOSE_BALLOTS = CLOSE_MEMBERS = 300
# Prefix (32 bytes) and RSA-2048 signature (256 bytes) as base64url, the tracking
# code and the JSON keys around a ballot in the bundle.
BALLOT_ENVELOPE_BYTES = len(
    json.dumps({"ballot": "", "prefix": "A" * 43, "signature": "A" * 342, "tracking_code": "ABCDE-FGHIJ"})
)


def timed(fn: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def questions(n: int) -> list[str]:
    return [f"m{i:03d}" for i in range(1, n + 1)]


def make_committee(n: int, t: int) -> tuple[dict[str, Any], committee.Committee, list[bytes]]:
    seeds = [bytes([i + 1]) * 32 for i in range(n)]
    transcript = committee.run_ceremony({"ceremony": f"bench-{n}-{t}", "n": n, "t": t}, seeds)
    return transcript, committee.verify_committee(transcript), seeds


def quick_tally(com: committee.Committee, members: int, ballots: int) -> eb.EncryptedTally:
    """A tally of `ballots` one-hot ballots (ciphertexts only: adding costs the same
    with or without their proofs, and proving 300 x 300 here would take minutes)."""
    qs = questions(members)
    totals = {q: [elgamal.ZERO] * 4 for q in qs}
    for b in range(ballots):
        for k, q in enumerate(qs):
            level = (b + k) % 5  # 4 = blank
            for i in range(4):
                totals[q][i] = totals[q][i] + elgamal.encrypt(com.joint_key, int(i == level), Scalar.random())
    return eb.EncryptedTally("R", com.joint_key, ballots, {q: tuple(v) for q, v in totals.items()})


# --- phones (Chromium) ---------------------------------------------------------------

PAGE = """<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
import * as eb from "/js/encrypted-ballot.js";
import * as cm from "/js/committee.js";
import * as th from "/js/threshold.js";
import { canonicalJsonBytes } from "/js/canonical.js";
import { b64urlDecode } from "/js/encoding.js";
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn, runs) {
  const xs = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); fn(); xs.push(performance.now() - t); }
  return median(xs);
}
window.benchCommittee = (transcript, runs) => time(() => cm.verifyCommittee(transcript), runs);
window.benchBallot = (transcript, n, runs) => {
  const key = cm.verifyCommittee(transcript).jointKey;
  const qs = Array.from({ length: n }, (_, i) => "m" + String(i + 1).padStart(3, "0"));
  const choices = Object.fromEntries(qs.filter((_, i) => i % 5).map((q, i) => [q, eb.LEVELS[i % 4]]));
  let bytes = 0;
  const ms = time(() => { bytes = canonicalJsonBytes(eb.encryptBallot(key, "R", qs, choices)).length; }, runs);
  return { ms, bytes };
};
window.benchDecrypt = (transcript, seed, tallyJson, runs) => {
  const committee = cm.verifyCommittee(transcript);
  const trustee = new cm.Trustee(b64urlDecode(seed), transcript.context, 1);
  const share = trustee.secretShare(transcript);
  const tally = eb.tallyFromJson(tallyJson);
  return time(() => th.partialDecryption(trustee, share, committee, tally), runs);
};
window.benchReadd = (ballots, runs) => time(() => {
  const parsed = ballots.map(eb.parseEncryptedBallot);
  eb.tallyOf("R", parsed[0].key, Object.keys(ballots[0].choices), parsed);
}, runs);
window.ready = true;
</script>"""


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/bench.html":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: Any) -> None:
        pass


def phone_rows(rate: float, runs: int, quick: bool) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(ROOT / "static"))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    rows = []
    tr3, com3, seeds3 = make_committee(3, 2)
    tr7, _, _ = make_committee(7, 4)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/bench.html")
            page.wait_for_function("window.ready === true")
            page.evaluate("([t, n, r]) => benchBallot(t, n, r)", [tr3, 10, 1])  # warm the JIT before throttling
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            for n, tr in ((3, tr3), (7, tr7)):
                ms = page.evaluate("([t, r]) => benchCommittee(t, r)", [tr, runs])
                rows.append({"who": "phone", "what": f"check committee record, n = {n}", "ms": ms})
            for n in SIZES:
                r = 1 if (quick or n == 300) else runs
                out = page.evaluate("([t, n, r]) => benchBallot(t, n, r)", [tr3, n, r])
                rows.append(
                    {
                        "who": "phone",
                        "what": f"encrypt + prove ballot, {n} members",
                        "ms": out["ms"],
                        "bytes": out["bytes"],
                    }
                )
            tally = quick_tally(com3, CLOSE_MEMBERS, 1).to_json()
            ms = page.evaluate("([t, s, y, r]) => benchDecrypt(t, s, y, r)", [tr3, _b64(seeds3[0]), tally, 1])
            rows.append({"who": "phone", "what": f"trustee partial decryption, {CLOSE_MEMBERS} members", "ms": ms})
            small = [eb.encrypt_ballot(com3.joint_key, "R", questions(30), {}) for _ in range(30)]
            ms = page.evaluate("([b, r]) => benchReadd(b, r)", [small, 1])
            rows.append(
                {"who": "phone", "what": "trustee re-adds 30 ballots x 30 members (3,600 ciphertexts)", "ms": ms}
            )
            browser.close()
    finally:
        server.shutdown()
        thread.join(10)
    return rows


def _b64(data: bytes) -> str:
    from ballot.crypto.encoding import b64url_encode

    return b64url_encode(data)


# --- server ----------------------------------------------------------------------------


def server_rows(runs: int, quick: bool) -> list[dict[str, Any]]:
    rows = []
    transcript, com, seeds = make_committee(3, 2)
    for n in SIZES:
        qs = questions(n)
        obj = eb.encrypt_ballot(com.joint_key, "R", qs, {q: eb.LEVELS[i % 4] for i, q in enumerate(qs) if i % 5})
        text = canonical_json(obj)
        r = 1 if quick else runs
        t_verify = timed(
            lambda text=text, qs=qs: eb.check_encrypted_ballot(
                json.loads(text), round_id="R", question_ids=qs, key=com.joint_key
            ),
            r,
        )
        parsed = eb.parse_encrypted_ballot(obj)
        empty = eb.EncryptedTally.empty("R", com.joint_key, qs)
        t_add = timed(lambda empty=empty, parsed=parsed: empty.add(parsed), r)
        t_prove = timed(lambda qs=qs: eb.encrypt_ballot(com.joint_key, "R", qs, {}), 1)
        rows.append(
            {"who": "server", "what": f"verify one ballot, {n} members", "ms": t_verify * 1000, "bytes": len(text)}
        )
        rows.append({"who": "server", "what": f"add one ballot to the running tally, {n} members", "ms": t_add * 1000})
        rows.append({"who": "server", "what": f"(Python) encrypt + prove, {n} members", "ms": t_prove * 1000})
    members, ballots = (30, 30) if quick else (CLOSE_MEMBERS, CLOSE_BALLOTS)
    qs = questions(members)
    # One ballot's ciphertexts stand for each of the N ballots' (adding costs the same).
    one = eb.parse_encrypted_ballot(
        eb.encrypt_ballot(com.joint_key, "R", qs, {q: eb.LEVELS[i % 4] for i, q in enumerate(qs)})
    )
    t = time.perf_counter()
    tally = eb.EncryptedTally.of("R", com.joint_key, qs, [one] * ballots)
    rows.append(
        {
            "who": "server",
            "what": f"close: add {ballots} ballots x {members} members",
            "ms": (time.perf_counter() - t) * 1000,
        }
    )
    trustees = [committee.Trustee(s, com.context, i + 1) for i, s in enumerate(seeds)]
    shares = [threshold.partial_decryption(tr, tr.secret_share(transcript), com, tally) for tr in trustees[1:]]
    t = time.perf_counter()
    dlog = threshold.DiscreteLog(ballots)
    rows.append(
        {"who": "server", "what": f"close: discrete-log table 0..{ballots}", "ms": (time.perf_counter() - t) * 1000}
    )
    t = time.perf_counter()
    result = threshold.combine(com, tally, shares, dlog)
    rows.append(
        {
            "who": "server",
            "what": f"close: check 2 trustees' shares + combine + discrete log ({members * 4} totals)",
            "ms": (time.perf_counter() - t) * 1000,
        }
    )
    expected = {q: {lv: ballots * (lv == eb.LEVELS[i % 4]) for lv in eb.LEVELS} for i, q in enumerate(qs)}
    if result.counts != expected:  # a benchmark of a wrong answer measures nothing
        raise SystemExit("decrypted counts differ from what was encrypted")
    tally_bytes = len(canonical_json(tally.to_json()))
    share_bytes = len(canonical_json(shares[0]))
    rows.append({"who": "sizes", "what": f"bundle per round: encrypted tally, {members} members", "bytes": tally_bytes})
    rows.append(
        {
            "who": "sizes",
            "what": f"bundle per round: one trustee's partial decryption, {members} members",
            "bytes": share_bytes,
        }
    )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'who':7} {'what':70} {'ms':>10} {'bytes':>10}")
    for r in rows:
        ms = f"{r['ms']:.0f}" if "ms" in r else ""
        size = f"{r['bytes']:,}" if "bytes" in r else ""
        print(f"{r['who']:7} {r['what']:70} {ms:>10} {size:>10}")
    for r in rows:
        if r["who"] == "server" and r["what"].startswith("verify one ballot"):
            print(
                f"bundle growth per ballot ({r['what'].split(', ')[1]}): {r['bytes'] + BALLOT_ENVELOPE_BYTES:,} bytes"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs (300 members: 1 on the phone)")
    parser.add_argument("--rate", type=float, default=4.0, help="Chromium CPU throttling rate")
    parser.add_argument("--quick", action="store_true", help="one run each, close at 30 x 30 (a smoke run)")
    parser.add_argument("--no-phone", action="store_true", help="server rows only (no Chromium)")
    parser.add_argument("--json", type=Path, help="write the rows here")
    args = parser.parse_args()
    print(json.dumps(machine()), f"chromium throttle {args.rate}x", sep="\n")
    rows = [] if args.no_phone or not os.path.exists(CHROMIUM) else phone_rows(args.rate, args.runs, args.quick)
    rows += server_rows(args.runs, args.quick)
    print_table(rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "rate": args.rate, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
