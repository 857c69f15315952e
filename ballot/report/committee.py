"""The đảng ủy's side of the bundles (docs/committee-bundle.md): what the rules read from
a chi bộ's certified bundle, the đảng bộ's proposal as JSON, and the signed committee
bundle "phieukin-committee/1" with its verification.

Pure: dicts and bytes in, dicts out; the workspace (ballot.services.committee) and
`ballot verify` both call it, so the proposal a committee signs and the one a verifier
recomputes come from the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballot.report import bundle as chi_bo_format
from ballot.report.bundle import organisation_vote_denominator, sign_bundle
from ballot.report.canonical import (
    BundleFormatError,
    bundle_digest,
    bundle_hash_text,
    canonical_bytes,
    load_bundle,
)
from ballot.report.schema import COMMITTEE_SCHEMA, schema_problems
from ballot.report.verify import (
    FAIL,
    MANUAL,
    PASS,
    CheckResult,
    Outcome,
    Problems,
    Report,
    check_bundle_signature,
    check_signer,
    verify_bundle,
)
from ballot.rules import committee as rules
from ballot.rules.levels import LEVELS_DESCENDING, Level
from ballot.rules.results import Reason
from ballot.rules.serialize import reason_to_dict
from ballot.rules.text import round_fraction

FORMAT = "phieukin-committee/1"
COMMITTEE_KIND = "dang_uy_co_so"  # đảng ủy cơ sở (21-HD II.B.2.5)
LEVEL_KEYS = tuple(level.value for level in LEVELS_DESCENDING)


# --- a chi bộ's bundle as the rules read it -------------------------------------------


def branch_bundle(bundle: dict[str, Any], hash_text: str | None = None) -> rules.BranchBundle:
    """The members' proposed levels, statuses and HTXSNV shares (exact: votes over the
    deciding round's denominator), their cap groups, and the chi bộ's own level.
    `hash_text`: the bundle's hash when the caller has it (hashing is most of the cost)."""
    proposal = bundle["proposal"]
    rounds = proposal.get("rounds") or []
    groups = {m["id"]: m.get("cap_group") for m in bundle["roster"]}
    members = tuple(
        rules.ProposedMember(
            id=m["id"],
            name=m["name"],
            status=m["status"],
            level=Level(m["level"]) if m.get("level") else None,
            excellent_share=_member_share(m, rounds),
            reasons=tuple(Reason(r["code"], r["section"], r["message"]) for r in m["reasons"]),
            cap_group=groups.get(m["id"]),
        )
        for m in proposal["members"]
    )
    vote = bundle.get("organisation_vote")
    level, share = None, Fraction(0)
    if isinstance(vote, dict) and vote.get("level"):
        level = Level(vote["level"])
        base = organisation_vote_denominator(bundle)
        share = Fraction(vote["votes"]["HTXSNV"], base) if base else Fraction(0)
    return rules.BranchBundle(bundle["organisation"]["name"], hash_text or bundle_hash_text(bundle),
                              members, level, share)


def _member_share(member: dict[str, Any], rounds: list[dict[str, Any]]) -> Fraction:
    index = member.get("round", 0)
    if isinstance(index, int) and 0 <= index < len(rounds) and rounds[index]["denominator"] > 0:
        return Fraction(member["votes"]["HTXSNV"], rounds[index]["denominator"])
    # A bundle of rules version 1 records no rounds: its rounded share is what there is.
    return Fraction(str(member["shares"]["HTXSNV"]))


# --- the đảng bộ's proposal as JSON ---------------------------------------------------


def decisions_of(decisions: Iterable[dict[str, Any]]) -> tuple[dict, dict]:
    """The recorded decisions (committee bundle form) as the rules take them."""
    members, branches = {}, {}
    for d in decisions:
        if d["member_id"] is None:
            branches[d["branch"]] = rules.Decision(d["branch"], Level(d["level"]), d["reason"])
        else:
            key = rules.member_key(d["branch"], d["member_id"])
            members[key] = rules.Decision(key, Level(d["level"]), d["reason"])
    return members, branches


def proposal_sections(
    profile: str,
    percent: int,
    bundles: Sequence[dict[str, Any]],
    decisions: Sequence[dict[str, Any]],
    kinds: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the committee bundle and `ballot committee report` derive from the chi
    bộ bundles (oldest first) and the decisions: one function for both."""
    hashes = [bundle_hash_text(b) for b in bundles]  # once each: RFC 8785 is slow in Python
    inputs = [branch_bundle(b, h) for b, h in zip(bundles, hashes, strict=True)]
    merged = rules.merge_bundles(inputs)
    proposal = rules.committee_proposal(merged, profile, percent=percent)
    members, branches = decisions_of(decisions)
    final = rules.apply_decisions(proposal, members, branches)
    by_hash = dict(zip(hashes, bundles, strict=True))
    return {
        "branches": [_branch(b, by_hash, kinds or {}) for b in final.branches],
        "members": [_member(m) for m in final.members],
        "cap": _member_cap(final),
        "organisations_cap": _cap(final.organisations_cap),
        "conflicts": [
            {"branch": c.branch, "id": c.member_id, "bundles": list(c.bundles)}
            for c in final.conflicts
        ],
        "totals": rules.totals(final),
        "statistics": _statistics(final),
    }


def _level(level: Level | None) -> str | None:
    return None if level is None else level.value


def _share(value: Fraction) -> float:
    return float(round_fraction(value, 4))


def _branch(b: rules.BranchOutcome, by_hash: dict[str, dict], kinds: dict[str, str]) -> dict:
    signed = [by_hash[h] for h in b.bundles]
    return {
        "name": b.name,
        "kind": kinds.get(b.name) or signed[-1]["organisation"]["kind"],
        "bundle_sha256": list(b.bundles),
        "signer_fingerprint": sorted({s["signer"]["fingerprint"] for s in signed}),
        "members": b.members,
        "proposed_level": _level(b.proposed_level),
        "level": _level(b.level),
        "excellent_share": _share(b.excellent_share),
        "decided": b.decided,
        "reasons": [reason_to_dict(r) for r in b.reasons],
    }


def _member(m: rules.MemberOutcome) -> dict[str, Any]:
    return {
        "branch": m.branch,
        "id": m.id,
        "name": m.name,
        "status": m.status,
        "proposed_level": _level(m.proposed_level),
        "level": _level(m.level),
        "excellent_share": _share(m.excellent_share),
        "decided": m.decided,
        "reasons": [reason_to_dict(r) for r in m.reasons],
    }


def _cap(cap: rules.CapResult) -> dict[str, Any]:
    a = cap.arithmetic
    return {
        "candidates": a.candidates,
        "good": a.good,
        "by_ratio": a.by_ratio,
        "max_excellent": a.max_excellent,
        "small_exception": a.small_exception,
        "tied": list(cap.tied),
    }


def _member_cap(proposal: rules.CommitteeProposal) -> dict[str, Any]:
    a = proposal.cap
    data = {
        "candidates": a.candidates,
        "good": a.good,
        "by_ratio": a.by_ratio,
        "max_excellent": a.max_excellent,
        "small_exception": a.small_exception,
        "binding": True,  # the đảng ủy cơ sở decides (II.B.2.5, bước 2)
        "tied": list(proposal.tied),
        "percent": proposal.percent,
    }
    if any(c.group is not None for c in proposal.caps):
        data["groups"] = [{"group": c.group, **_cap(c)} for c in proposal.caps]
    return data


def _statistics(proposal: rules.CommitteeProposal) -> dict[str, Any]:
    """Per chi bộ and in total: members, classified, not classified, absent, each level's
    count; and the chi bộ per level (the statistics report's rows)."""
    rows = []
    for b in proposal.branches:
        rows.append({"name": b.name, "members": b.members, **rules.totals(proposal, b.name)})
    branch_levels = {key: sum(1 for b in proposal.branches if _level(b.level) == key)
                     for key in LEVEL_KEYS}
    branch_levels["none"] = sum(1 for b in proposal.branches if b.level is None)
    return {
        "branches": rows,
        "total": {"name": None, "members": len(proposal.members), **rules.totals(proposal)},
        "branch_levels": branch_levels,
    }


# --- the committee bundle ------------------------------------------------------------


def assemble(
    *,
    generator: str,
    committee: dict[str, Any],
    resolution: dict[str, Any],
    certified_at: str,
    bundles: Sequence[dict[str, Any]],
    decisions: Sequence[dict[str, Any]],
    kinds: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The unsigned committee bundle: the committee, its profile, each chi bộ bundle's
    hash and signer, the proposal after the decisions, the cap arithmetic, the decisions
    and the statistics (docs/committee-bundle.md)."""
    sections = proposal_sections(committee["profile"], committee["cap_percent"], bundles,
                                 decisions, kinds)
    return {
        "format": FORMAT,
        "generator": generator,
        "committee": committee,
        "profile": committee["profile"],
        "resolution": resolution,
        "certified_at": certified_at,
        "bundles": [_bundle_entry(b) for b in bundles],
        **sections,
        "decisions": list(decisions),
    }


def _bundle_entry(bundle: dict[str, Any]) -> dict[str, Any]:
    return {
        "branch": bundle["organisation"]["name"],
        "sha256": bundle_hash_text(bundle),
        "signer_fingerprint": bundle["signer"]["fingerprint"],
        "meeting_id": bundle["meeting"]["id"],
        "review_date": bundle["meeting"]["review_date"],
        "certified_at": bundle["meeting"]["certified_at"],
    }


def sign(unsigned: dict[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """Signed as a chi bộ bundle is: Ed25519 over SHA-256 of the RFC 8785 bytes."""
    return sign_bundle(unsigned, private_key)


def is_committee_bundle(data: bytes) -> bool:
    """Whether the file names this format (else `ballot verify` reads a chi bộ bundle)."""
    try:
        return load_bundle(data).get("format") == FORMAT
    except BundleFormatError:
        return False


# --- verification ------------------------------------------------------------------

TITLES: dict[str, tuple[str, str]] = {
    "format": ("Định dạng gói của đảng ủy", "Committee bundle format"),
    "committee_signature": ("Chữ ký của đảng ủy trên gói", "The committee's signature"),
    "signer": ("Người ký là đảng ủy đã biết", "The signer is the known committee"),
    "branch_bundles": (
        "Gói của từng chi bộ: kiểm tra lại đầy đủ, mã băm khớp",
        "Every chi bộ bundle re-verified, hashes match",
    ),
    "proposal": (
        "Tính lại đề xuất toàn đảng bộ và quyết định khớp gói",
        "The đảng bộ's proposal and decisions recomputed",
    ),
    "statistics": ("Tính lại số liệu thống kê khớp gói", "The statistics recomputed"),
}
DERIVED = ("branches", "members", "cap", "organisations_cap", "conflicts", "totals")


def verify_committee_bundle(
    data: bytes,
    with_bundles: Sequence[tuple[str, bytes]] | None = None,
    expected_fingerprint: str | None = None,
) -> Report:
    """The committee bundle's checks; with the chi bộ bundles (name, bytes), each is
    re-verified with the signer the committee bundle lists, their hashes compared with
    the list, and the proposal and statistics recomputed from them."""
    try:
        bundle = load_bundle(data)
        if bundle.get("format") != FORMAT:
            raise BundleFormatError(f"Không phải gói “{FORMAT}”.", f"not a {FORMAT} bundle")
        problems = schema_problems(bundle, COMMITTEE_SCHEMA)
        if problems:
            raise BundleFormatError(
                f"Gói không đúng cấu trúc {FORMAT}: "
                + "; ".join(vi for vi, _ in problems[:5]) + ".",
                f"not the {FORMAT} structure: " + "; ".join(en for _, en in problems[:5]),
            )
        digest = bundle_digest(bundle)
    except BundleFormatError as exc:
        return Report((CheckResult("format", FAIL, *TITLES["format"], exc.message_vi,
                                   exc.message_en),), None, None)
    checks = [CheckResult("format", PASS, *TITLES["format"], f"Định dạng {FORMAT}.",
                          f"Format {FORMAT}.")]
    signature = check_bundle_signature(bundle, digest)
    checks.append(_result("committee_signature", signature))
    signer = check_signer(bundle, None, expected_fingerprint)
    if signer.status == MANUAL:
        printed = bundle["signer"]["fingerprint"]
        signer = Outcome(True, f"Dấu vân tay người ký: {printed}. Hãy tự so sánh với dấu vân tay "
                         "đảng ủy đã công bố (hoặc chạy lại với --fingerprint).",
                         f"signer fingerprint: {printed}. Compare it by hand with the committee's "
                         "published fingerprint (or run again with --fingerprint).", status=MANUAL)
    checks.append(_result("signer", signer))
    if with_bundles is None:
        for name in ("branch_bundles", "proposal", "statistics"):
            checks.append(_result(name, Outcome(
                True, "Chưa kiểm tra: hãy chạy lại với --with THƯ_MỤC chứa gói của các chi bộ.",
                "not checked: run again with --with FOLDER holding the chi bộ bundles",
                status=MANUAL)))
        return Report(tuple(checks), bundle, bundle_hash_text(bundle))
    ordered, outcome = _check_branch_bundles(bundle, with_bundles)
    checks.append(_result("branch_bundles", outcome))
    if ordered is None:
        for name in ("proposal", "statistics"):
            checks.append(_result(name, Outcome(
                False, "Không tính lại được vì gói của chi bộ không đạt.",
                "cannot be recomputed: a chi bộ bundle failed")))
        return Report(tuple(checks), bundle, bundle_hash_text(bundle))
    recomputed = _attempt(lambda: proposal_sections(
        bundle["profile"], bundle["committee"]["cap_percent"], ordered, bundle["decisions"],
        {b["name"]: b["kind"] for b in bundle["branches"]}))
    checks.append(_result("proposal", _compare(recomputed, bundle, DERIVED)))
    checks.append(_result("statistics", _compare(recomputed, bundle, ("statistics",))))
    return Report(tuple(checks), bundle, bundle_hash_text(bundle))


def _attempt(run: Callable[[], dict[str, Any]]) -> dict[str, Any] | Exception:
    try:
        return run()
    except Exception as exc:  # a hostile bundle fails a check, never the verifier
        return exc


def _result(name: str, outcome: Outcome) -> CheckResult:
    status = outcome.status or (PASS if outcome.ok else FAIL)
    return CheckResult(name, status, *TITLES[name], outcome.vi, outcome.en)


def _check_branch_bundles(
    bundle: dict[str, Any], files: Sequence[tuple[str, bytes]]
) -> tuple[list[dict[str, Any]] | None, Outcome]:
    listed = bundle["bundles"]
    found: dict[str, dict[str, Any]] = {}
    problems = Problems()
    expected = {entry["sha256"]: entry for entry in listed}
    for name, data in files:
        try:
            chi_bo = load_bundle(data)
        except BundleFormatError as exc:
            problems.add(f"{name}: {exc.message_vi}", f"{name}: {exc.message_en}")
            continue
        if chi_bo.get("format") not in chi_bo_format.FORMATS:
            continue  # not a chi bộ bundle (the committee bundle itself, for example)
        try:
            digest = bundle_hash_text(chi_bo)
        except BundleFormatError as exc:
            problems.add(f"{name}: {exc.message_vi}", f"{name}: {exc.message_en}")
            continue
        entry = expected.get(digest)
        if entry is None:
            problems.add(f"{name}: mã băm {digest} không có trong danh sách của đảng ủy",
                         f"{name}: hash {digest} is not listed by the committee")
            continue
        report = verify_bundle(data, expected_fingerprint=entry["signer_fingerprint"])
        if not report.ok:
            failure = report.first_failure
            problems.add(f"{name}: {failure.title_vi} — {failure.detail_vi}",
                         f"{name}: {failure.title_en} — {failure.detail_en}")
            continue
        found[digest] = chi_bo
    for entry in listed:
        if entry["sha256"] not in found and not any(
            entry["sha256"] in vi for vi in problems.vi
        ):
            problems.add(f"thiếu gói của {entry['branch']} (mã băm {entry['sha256']})",
                         f"missing the bundle of {entry['branch']} ({entry['sha256']})")
    outcome = problems.outcome(
        f"{len(listed)} gói của chi bộ đều đạt mọi kiểm tra, mã băm khớp danh sách.",
        f"{len(listed)} chi bộ bundles pass every check, hashes match the list",
    )
    if not outcome.ok:
        return None, outcome
    return [found[entry["sha256"]] for entry in listed], outcome


def _compare(recomputed: dict[str, Any] | Exception, bundle: dict[str, Any],
             parts: Sequence[str]) -> Outcome:
    if isinstance(recomputed, Exception):
        return Outcome(False, f"Không tính lại được: {recomputed}",
                       f"could not be recomputed: {recomputed}")
    problems = Problems()
    for part in parts:
        if canonical_bytes(_decisive(recomputed.get(part))) != \
                canonical_bytes(_decisive(bundle.get(part))):
            problems.add(f"phần “{part}” khác kết quả tính lại",
                         f"{part!r} differs from the recomputation")
    return problems.outcome("Khớp kết quả tính lại.", "matches the recomputation")


def _decisive(value: Any) -> Any:
    """Reasons compared by code and section, not wording (as for a chi bộ bundle)."""
    if isinstance(value, list):
        return [_decisive(v) for v in value]
    if isinstance(value, dict):
        return {k: ([[r.get("code"), r.get("section")] for r in v if isinstance(r, dict)]
                    if k == "reasons" and isinstance(v, list) else _decisive(v))
                for k, v in value.items()}
    return value


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    """The .json files of a folder, by name."""
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.json")) if p.is_file()]
