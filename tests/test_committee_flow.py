"""The đảng ủy's side end to end: three chi bộ hold real meetings through the API (one
sends a second bundle for a member who was away), the đảng ủy registers their keys,
imports the bundles, and the cap across the đảng bộ (21-HD II.B.2.3.a) and the cap on
organisations (II.B.1.3, II.B.6) come out as computed by hand below, with a tie at the
boundary left to the đảng ủy; it decides, signs the committee bundle, `ballot verify
--with` passes, and every tampering is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballot.report.bundle import sign_bundle
from ballot.report.canonical import dump_bundle
from tests.committee_kit import ballot, hold_meeting, member_rows
from tests.meeting_kit import new_server

A, B, C = "Chi bộ Khu phố 1", "Chi bộ Khu phố 2", "Chi bộ Khu phố 3"
XS, T = {"HTXSNV"}, "HTTNV"


def ballots(voters: int, excellent: dict[str, int], members: list[str]) -> list[dict[str, str]]:
    """`voters` ballots: member m gets HTXSNV on the first excellent[m] of them, else HTTNV."""
    return [{m: "HTXSNV" if i < excellent.get(m, 0) else T for m in members}
            for i in range(voters)]


def own_level(voters: int, excellent: int) -> list[dict[str, str]]:
    return [{"chi_bo": "HTXSNV" if i < excellent else T} for i in range(voters)]


@pytest.fixture(scope="module")
def dang_bo(tmp_path_factory):
    """A: 6 full members; a1 HTXSNV 5/6, a2 HTXSNV 4/6; the chi bộ votes HTXSNV 5/6.
    B: 5 full members, b5 away with leave (4 entitled); b1 HTXSNV 3/4; votes HTTNV;
       then a second meeting for b5 alone: HTTNV.
    C: 6 full members and one dự bị (6 entitled); c1 HTXSNV 4/6; votes HTXSNV 4/6."""
    root = tmp_path_factory.mktemp("dang-bo")
    a_roster = member_rows("a", 6)
    a = hold_meeting(root / "a", A, a_roster, ballots(6, {"a1": 5, "a2": 4}, [m["id"] for m in a_roster]),
                     own_level(6, 5))
    b_roster = member_rows("b", 5)
    b_server = new_server(root / "b")
    b = hold_meeting(root / "b", B, b_roster,
                     ballots(4, {"b1": 3}, [m["id"] for m in b_roster if m["id"] != "b5"]),
                     own_level(4, 0), away=("b5",), server=b_server)
    b_later = hold_meeting(root / "b", B, [member_rows("b", 5)[4]], ballots(1, {}, ["b5"]),
                           server=b_server)
    c_roster = member_rows("c", 7, du_bi=(7,))
    c = hold_meeting(root / "c", C, c_roster, ballots(6, {"c1": 4}, [m["id"] for m in c_roster]),
                     own_level(6, 4))
    folder = root / "nhan"
    folder.mkdir()
    for name, bundle in (("1-a.json", a), ("2-b.json", b), ("3-c.json", c), ("4-b-bo-sung.json", b_later)):
        (folder / name).write_bytes(bundle.data)
    data = root / "dang-uy"
    assert ballot("committee", "init", "--data", str(data), "--name", "Đảng ủy Phường 7",
                  "--profile", "21-HD-2019").returncode == 0
    for bundle in (a, b, c):
        done = ballot("committee", "register", "--data", str(data), "--branch", bundle.branch,
                      "--fingerprint", bundle.fingerprint,
                      "--confirmation", "Đối chiếu với “ballot keys show” của chi bộ")
        assert done.returncode == 0, done.stderr
    assert b.fingerprint == b_later.fingerprint  # one chi bộ, one key, two meetings
    done = ballot("committee", "import", "--data", str(data), str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("✓") == 4
    return {"root": root, "data": data, "bundles": (a, b, c, b_later)}


def report(data: Path) -> dict:
    done = ballot("committee", "report", "--data", str(data), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_dang_bo_wide_cap_and_the_organisations_cap_as_computed_by_hand(dang_bo):
    r = report(dang_bo["data"])
    assert r["committee"] == "Đảng ủy Phường 7" and r["profile"] == "21-HD-2019"
    members = {f"{m['branch']}:{m['id']}": m for m in r["members"]}
    assert len(members) == 6 + 5 + 7
    # The second bundle added b5, absent from the first: no conflict.
    assert members[f"{B}:b5"]["status"] == "classified" and members[f"{B}:b5"]["level"] == T
    assert r["conflicts"] == []
    # k = 4 proposed HTXSNV (a1, a2, b1, c1); h = 5 + 4 + 6 - … counted: A 4, B 3 + b5,
    # C 5 + the dự bị c7 = 14. x = ⌊0.2 × 18 / 1.2⌋ = 3 (3 ≤ 0.2 × 15; 4 > 0.2 × 14).
    assert {k: r["cap"][k] for k in ("candidates", "good", "max_excellent", "binding")} == \
        {"candidates": 4, "good": 14, "max_excellent": 3, "binding": True}
    # By share in their own chi bộ: a1 5/6, b1 3/4 kept; a2 4/6 and c1 4/6 tie for one seat.
    assert members[f"{A}:a1"]["level"] == "HTXSNV" and members[f"{B}:b1"]["level"] == "HTXSNV"
    assert r["cap"]["tied"] == [f"{A}:a2", f"{C}:c1"]
    for key in r["cap"]["tied"]:
        assert members[key]["status"] == "tie" and members[key]["level"] is None
        assert members[key]["reasons"][-1]["code"] == "committee_cap_tie"
        assert members[key]["reasons"][-1]["section"] == "II.B.2.3.a"
    # Inside A alone the chi bộ only advised (trực thuộc): its proposal kept both.
    assert members[f"{A}:a2"]["proposed_level"] == "HTXSNV"
    # Organisations: A HTXSNV (5/6), C HTXSNV (4/6), B HTTNV: k = 2, h = 1, the ratio
    # gives ⌊0.2 × 3 / 1.2⌋ = 0, but fewer than 05 end up HTTNV (II.B.6): one, A.
    assert {k: r["organisations_cap"][k] for k in ("candidates", "good", "max_excellent", "tied")} \
        == {"candidates": 2, "good": 1, "max_excellent": 1, "tied": []}
    branches = {b["name"]: b for b in r["branches"]}
    assert branches[A]["level"] == "HTXSNV" and branches[A]["reasons"][0]["section"] == "II.B.6"
    assert branches[C]["proposed_level"] == "HTXSNV" and branches[C]["level"] == T
    assert branches[B]["level"] == T and len(branches[B]["bundle_sha256"]) == 2
    assert r["totals"] == {"HTXSNV": 2, "HTTNV": 14, "HTNV": 0, "KHTNV": 0, "classified": 16,
                           "not_classified": 0, "absent": 0}
    table = ballot("committee", "report", "--data", str(dang_bo["data"])).stdout
    assert "bằng phiếu — đảng ủy quyết định" in table and "k = 4, h = 14, được giữ tối đa 3" in table


def test_decide_certify_verify_and_every_tampering_caught(dang_bo, tmp_path):
    data = dang_bo["data"]
    # Certifying with the tie undecided is refused: the software never settles it.
    out = tmp_path / "len-cap-tren" / "dang-uy.json"
    done = ballot("committee", "certify", "--data", str(data), "--resolution", "15-NQ/ĐU", "--out", str(out))
    assert done.returncode == 2 and "chưa quyết định" in done.stderr and not out.exists()
    # A different level needs a reason.
    done = ballot("committee", "decide", "--data", str(data), "--member", f"{A}:a2", "--level", "HTXSNV")
    assert done.returncode == 2 and "Lý do: bắt buộc" in done.stderr
    for member, level in ((f"{A}:a2", "HTXSNV"), (f"{C}:c1", T)):
        done = ballot("committee", "decide", "--data", str(data), "--member", member, "--level", level,
                      "--reason", "Đảng ủy xét thành tích nổi bật, biểu quyết ngày 20/12")
        assert done.returncode == 0, done.stderr
    r = report(data)
    members = {f"{m['branch']}:{m['id']}": m for m in r["members"]}
    assert members[f"{A}:a2"]["level"] == "HTXSNV" and members[f"{A}:a2"]["decided"]
    assert members[f"{C}:c1"]["level"] == T
    assert r["totals"]["HTXSNV"] == 3

    done = ballot("committee", "certify", "--data", str(data), "--resolution", "15-NQ/ĐU",
                  "--date", "2026-12-20", "--out", str(out))
    assert done.returncode == 0, done.stderr
    folder = out.with_name("dang-uy-chi-bo")
    committee = json.loads(out.read_bytes())
    assert committee["format"] == "phieukin-committee/1"
    assert committee["resolution"] == {"number": "15-NQ/ĐU", "date": "2026-12-20"}
    assert [e["branch"] for e in committee["bundles"]] == [A, B, C, B]
    fingerprint = committee["signer"]["fingerprint"]
    verified = ballot("verify", str(out), "--with", str(folder), "--fingerprint", fingerprint)
    assert verified.returncode == 0, verified.stdout
    assert "KẾT QUẢ: ĐẠT" in verified.stdout
    assert "4 gói của chi bộ đều đạt mọi kiểm tra" in verified.stdout

    def verify(path: Path, with_folder: Path, first_failure: str) -> None:
        done = ballot("verify", str(path), "--with", str(with_folder), "--fingerprint", fingerprint)
        assert done.returncode == 1, done.stdout
        assert done.stdout.splitlines()[-1] == \
            f"KẾT QUẢ: KHÔNG ĐẠT — kiểm tra đầu tiên không đạt: {first_failure}.", done.stdout

    # A chi bộ bundle changed.
    changed = tmp_path / "changed"
    shutil.copytree(folder, changed)
    first = sorted(changed.glob("*.json"))[0]
    bundle = json.loads(first.read_bytes())
    bundle["proposal"]["members"][1]["level"] = T
    first.write_bytes(dump_bundle(bundle))
    verify(out, changed, "Gói của từng chi bộ: kiểm tra lại đầy đủ, mã băm khớp")
    # One removed.
    removed = tmp_path / "removed"
    shutil.copytree(folder, removed)
    sorted(removed.glob("*.json"))[-1].unlink()
    verify(out, removed, "Gói của từng chi bộ: kiểm tra lại đầy đủ, mã băm khớp")
    # A decision changed: the signature breaks; re-signed by another key, the signer.
    tampered = json.loads(out.read_bytes())
    tampered["decisions"][0]["level"] = T
    edited = tmp_path / "edited.json"
    edited.write_bytes(dump_bundle(tampered))
    verify(edited, folder, "Chữ ký của đảng ủy trên gói")
    forged = tmp_path / "forged.json"
    forged.write_bytes(dump_bundle(sign_bundle(tampered, Ed25519PrivateKey.generate())))
    verify(forged, folder, "Người ký là đảng ủy đã biết")
    # Re-signed by a forger who also rewrote the fingerprint check away: the recomputation
    # from the chi bộ bundles still gives the recorded decision, not the altered level.
    done = ballot("verify", str(forged), "--with", str(folder))
    assert done.returncode == 1 and "Tính lại đề xuất toàn đảng bộ" in done.stdout.splitlines()[-1]
    # A bundle from an unregistered key is refused at import, its fingerprint shown.
    a = dang_bo["bundles"][0]
    stranger = sign_bundle(json.loads(a.data), Ed25519PrivateKey.generate())
    path = tmp_path / "la.json"
    path.write_bytes(dump_bundle(stranger))
    done = ballot("committee", "import", "--data", str(data), str(path))
    assert done.returncode == 1
    assert "Người ký là chi bộ đã biết" in done.stdout and stranger["signer"]["fingerprint"] in done.stdout
