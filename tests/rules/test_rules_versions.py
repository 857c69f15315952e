"""Rules versions (docs/rules.md, “Phiên bản quy tắc”): a proposal records the reading
of the rules that made it, and a bundle certified before rules version 2 (format
phieukin-bundle/1, no version recorded) still verifies, re-applied as it was made."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ballot.report import bundle as fmt
from ballot.report.canonical import dump_bundle
from ballot.report.verify import FAIL, MANUAL, PASS, check_rules, verify_bundle
from ballot.rules import proposal_to_dict
from ballot.rules.model import RULES_VERSION
from ballot.rules.scenario import ScenarioError, parse_scenario
from tests.rules.rules_builders import REVIEW_DATE, crowd, member, run, scenario, votes

V1_MEMBER_KEYS = ("id", "name", "status", "voted_level", "level", "votes", "shares", "reasons")
V1_KEYS = ("profile", "members", "totals", "cap", "organisation", "denominator")


def as_version_1(proposal: dict[str, Any]) -> dict[str, Any]:
    """A proposal in the shape rules version 1 wrote it: no version, rounds, warnings."""
    old = {key: copy.deepcopy(proposal[key]) for key in V1_KEYS}
    old["members"] = [{k: m[k] for k in V1_MEMBER_KEYS} for m in old["members"]]
    return old


# --- a tie at the cap broken by a follow-up round (the case that changed) -----------------


def tie_broken_by_followup() -> dict[str, Any]:
    """A, B, C voted HTXSNV with 10, 9, 9 of 12; x = 2 keeps A, B and C tie for the
    last seat; the follow-up asks B and C only and gives them 11 and 10."""
    members = [member("A"), member("B"), member("C"), *crowd(9)]
    main = {"A": votes(htxsnv=10, httnv=2), "B": votes(htxsnv=9, httnv=3)}
    main["C"] = votes(htxsnv=9, httnv=3)
    main.update({f"x{i:02d}": votes(httnv=12) for i in range(9)})
    followup = {"B": votes(htxsnv=11, httnv=1), "C": votes(htxsnv=10, httnv=2)}
    return scenario(members, main, ballots=12, followups=[{"ballots": 12, "votes": followup}])


def bundle_of(data: dict[str, Any], proposal: dict[str, Any]) -> dict[str, Any]:
    """The parts of a bundle the rules check reads."""
    rounds = [{"kind": "classification", "number": 1, "tally": data["tally"]}]
    rounds += [
        {"kind": "followup", "number": n, "tally": t}
        for n, t in enumerate(data.get("followups", []), start=2)
    ]
    return {
        "profile": data.get("profile", "21-HD-2019"),
        "meeting": {"review_date": REVIEW_DATE},
        "organisation": data["organisation"],
        "settings": data.get("settings", {}),
        "roster": data["members"],
        "rounds": rounds,
        "proposal": proposal,
        "organisation_vote": None,
    }


def levels(proposal) -> dict[str, str | None]:
    return {m.id: (m.level.value if m.level else m.status.value) for m in proposal.members}


def test_version_2_keeps_what_the_main_round_decided_and_version_1_did_not():
    data = tie_broken_by_followup()
    today = levels(run(data))
    assert (today["A"], today["B"], today["C"]) == ("HTXSNV", "HTXSNV", "HTTNV")
    before = levels(run({**data, "rules_version": 1}))
    assert (before["A"], before["B"], before["C"]) == ("tie", "HTXSNV", "tie")


def test_a_proposal_records_its_rules_version():
    data = tie_broken_by_followup()
    assert proposal_to_dict(run(data))["rules_version"] == RULES_VERSION == 2
    assert proposal_to_dict(run({**data, "rules_version": 1}))["rules_version"] == 1


def test_verifier_reapplies_an_old_bundle_as_version_1_and_flags_what_changed():
    data = tie_broken_by_followup()
    old = as_version_1(proposal_to_dict(run({**data, "rules_version": 1})))
    outcome = check_rules(bundle_of(data, old))
    assert outcome.ok and outcome.status == MANUAL
    assert "phiên bản quy tắc 1" in outcome.vi
    assert f"Theo phiên bản quy tắc hiện hành ({RULES_VERSION}) kết quả sẽ khác" in outcome.vi
    # A, unseated by the old merge, keeps the seat the main round gave it.
    assert (
        "gói ghi “Bằng phiếu, chi bộ quyết định”, quy tắc hiện hành cho “Hoàn thành xuất sắc "
        "nhiệm vụ”"
    ) in outcome.vi
    assert "tie" in outcome.en and "HTXSNV" in outcome.en


def test_verifier_refuses_an_old_bundle_whose_levels_do_not_follow_its_own_rules():
    data = tie_broken_by_followup()
    forged = as_version_1(proposal_to_dict(run(data)))  # today's levels, no version recorded
    outcome = check_rules(bundle_of(data, forged))
    assert not outcome.ok


def test_verifier_checks_a_version_2_bundle_on_reason_codes_too():
    data = tie_broken_by_followup()
    proposal = proposal_to_dict(run(data))
    assert check_rules(bundle_of(data, proposal)).status is None  # holds, plainly
    changed = copy.deepcopy(proposal)
    changed["members"][0]["reasons"][0]["code"] = "something_else"
    assert not check_rules(bundle_of(data, changed)).ok


def test_old_bundle_without_followups_verifies_with_no_remark():
    data = scenario([member("a"), *crowd(4)], {"a": votes(htxsnv=5)})
    old = as_version_1(proposal_to_dict(run({**data, "rules_version": 1})))
    outcome = check_rules(bundle_of(data, old))
    assert outcome.ok and outcome.status is None and "phiên bản quy tắc 1" in outcome.vi


# --- checks added with version 2 only warn for version 1 ---------------------------------


@pytest.mark.parametrize(
    ("facts", "path"),
    [
        ({"targets_completed_pct": 150}, "members[0].targets_completed_pct"),
        ({"status": "du_bi", "admitted_on": "2001-05-19"}, "members[0].status"),
        ({"admitted_on": "2026-10-01"}, "members[0].status"),
    ],
)
def test_version_2_refuses_what_version_1_only_warns_about(facts, path):
    data = scenario([member("a", **facts), *crowd(3)])
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert refused.value.path == path
    older = parse_scenario({**data, "rules_version": 1})
    assert [w.path for w in older.warnings] == [path]


def test_version_1_keeps_the_silent_default_kind_of_old_bundles():
    data = scenario([member("a"), *crowd(3)])
    del data["organisation"]
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert refused.value.path == "organisation.kind"
    assert (
        parse_scenario({**data, "rules_version": 1}).organisation.kind.value == "chi_bo_truc_thuoc"
    )


def test_unknown_rules_version_is_refused():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario({**scenario([member("a")]), "rules_version": 3})
    assert refused.value.path == "rules_version"


# --- a whole certified bundle, written as version 1 wrote it -------------------------------


@pytest.fixture(scope="module")
def certified(tmp_path_factory):
    from tests.certify_kit import certified_meeting

    return certified_meeting(tmp_path_factory.mktemp("versions"))


def test_a_bundle_certified_today_records_version_2_and_verifies(certified):
    bundle = certified.bundle
    assert bundle["proposal"]["rules_version"] == RULES_VERSION
    report = verify_bundle(certified.bundle_bytes)
    assert report.ok and report.check("rules").status == PASS


def test_a_phieukin_bundle_1_made_before_version_2_still_verifies(certified):
    from ballot.crypto.certify import KeyStore

    bundle = copy.deepcopy(certified.bundle)
    bundle["proposal"] = as_version_1(fmt.classify_bundle(bundle, version=1))
    bundle["organisation_vote"] = fmt.organisation_vote(bundle)
    key = KeyStore(certified.server.services.settings.keys_directory).load_private()
    report = verify_bundle(dump_bundle(fmt.sign_bundle(bundle, key)))
    assert report.ok, [(c.name, c.detail_vi) for c in report.checks if c.status == FAIL]
    assert "phiên bản quy tắc 1" in report.check("rules").detail_vi
