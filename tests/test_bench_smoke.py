"""The meeting benchmark's smoke run: `bench/meeting_load.py --smoke` starts a
real `ballot demo` server and drives five phones, a projector and the host through a
whole round to the certified bundle. Asserts what the run checked (every ballot counted
once, no 5xx, nothing refused that should pass), never a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_smoke_run_counts_every_ballot_once(tmp_path):
    out = tmp_path / "smoke.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "meeting_load.py"), "--smoke", "--json-out", str(out)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    [result] = json.loads(out.read_text(encoding="utf-8"))["runs"]

    assert result["n"] == 5 and result["voters"] >= 1
    checks = result["checks"]
    assert all(checks.values()), {name: ok for name, ok in checks.items() if not ok}
    for name in ("all_joined", "voters_cast", "voting_rights_as_expected", "tracking_codes_unique",
                 "board_count_equals_voters", "board_codes_match", "no_5xx", "no_connection_errors",
                 "none_refused", "proposal_ok"):
        assert checks[name] is True, name
    assert result["ballots_cast"] == result["voters"]
    assert not any(status.isdigit() and int(status) >= 500 for status in result["http_statuses"])
    assert result["error_count"] == 0, result["errors"]
    assert result["projector"]["missed"] == 0


def test_encrypted_smoke_run_counts_what_the_phones_encrypted(tmp_path):
    """`--encrypted --smoke`: eight members, three of them the counting committee (their
    ceremony run by the bench, t = 2), the other full members' phones encrypting before
    they sign; after the close two trustees decrypt, and the published counts must be
    exactly the choices the phones encrypted. The floor does the same work in process."""
    out = tmp_path / "smoke.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "meeting_load.py"), "--smoke", "--encrypted", "--json-out", str(out)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    [result] = json.loads(out.read_text(encoding="utf-8"))["runs"]

    checks = result["checks"]
    assert all(checks.values()), {name: ok for name, ok in checks.items() if not ok}
    for name in ("all_joined", "voters_cast", "board_count_equals_voters", "no_5xx", "none_refused",
                 "decryption_shares_accepted", "round_counted", "counts_equal_the_encrypted_choices",
                 "projectors_saw_the_count", "console_saw_the_count", "certified"):
        assert checks[name] is True, name
    # the trustees ran the ceremony and decrypted; they are neither phones nor voters
    assert len(result["trustees"]) == 3 and result["phone_count"] == result["n"] - 3
    assert result["committee"]["messages"] == 9  # 3 announcements, 3 dealings, 3 confirmations
    assert result["voters"] == result["ballots_cast"] >= 1
    enc = result["encrypted"]
    assert enc["ballot_bytes"]["n"] == result["voters"] and enc["ballot_bytes"]["p50"] > 1000
    assert len(enc["share_bytes"]) == 2 and all(b > 0 for b in enc["share_bytes"])
    assert enc["close_to_console_counted_s"] is not None and enc["bundle_bytes"] > 0
    floor = result["floor"]
    assert floor["counting"]["status_after"] == "counted" and floor["proof_check_ms_each"] is not None


def test_encrypted_ballots_benchmark_decrypts_what_it_encrypted(tmp_path):
    """`bench/encrypted_ballots.py --quick --no-phone` (the server rows): it exits
    non-zero if the decrypted counts of its 30 x 30 close differ from the ballots."""
    out = tmp_path / "enc.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "encrypted_ballots.py"), "--quick", "--no-phone", "--json", str(out)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    whats = [r["what"] for r in rows]
    assert "verify one ballot, 300 members" in whats
    assert any(w.startswith("close: check 2 trustees' shares") for w in whats)
    sizes = {r["what"]: r["bytes"] for r in rows if "bytes" in r and r["what"].startswith("verify one ballot")}
    assert sizes["verify one ballot, 300 members"] > sizes["verify one ballot, 10 members"]


def test_committee_benchmark_imports_and_verifies_every_bundle_it_built(tmp_path):
    """`bench/committee_import.py` on three small chi bộ: it exits non-zero if a bundle
    is refused or the committee bundle does not verify with its folder."""
    out = tmp_path / "committee.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "committee_import.py"), "--branches", "3", "--members", "6",
         "--json", str(out)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["branches"] == 3 and figures["members"] == 18


def test_bundle_benchmark_verifies_the_bundle_it_built(tmp_path):
    """`bench/bundle_verify.py`: it asserts the schema finds nothing and every check holds."""
    out = tmp_path / "bundle.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bundle_verify.py"), "--members", "6", "--runs", "1",
         "--json", str(out)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert json.loads(out.read_text(encoding="utf-8"))["members"] == 6
