"""The scenario schema (docs/rules.md, “Dữ liệu đầu vào”): defaults, and every malformed input named by its field."""

from __future__ import annotations

import copy
from datetime import date
from fractions import Fraction

import pytest

from ballot.rules import (
    Denominator,
    Level,
    MembershipStatus,
    OrganisationKind,
    ScenarioError,
    parse_scenario,
)
from tests.rules.rules_builders import member, scenario, votes


def valid() -> dict:
    return scenario(
        [member("m01"), member("m02"), member("m03", status="du_bi", admitted_on="2025-11-02")],
        {"m01": votes(htxsnv=1, httnv=1), "m02": votes(httnv=2)},
        ballots=2,
    )


def test_defaults_of_a_minimal_scenario():
    parsed = parse_scenario(
        {
            "review_date": "2026-12-15",
            "organisation": {"kind": "chi_bo_truc_thuoc"},
            "members": [
                {
                    "id": "a",
                    "name": "Nguyễn Văn An",
                    "status": "chinh_thuc",
                    "admitted_on": "2010-05-19",
                }
            ],
            "tally": {"ballots": 1},
        }
    )
    assert parsed.profile == "21-HD-2019"
    assert parsed.review_date == date(2026, 12, 15)
    assert parsed.organisation.kind is OrganisationKind.CHI_BO_TRUC_THUOC
    assert parsed.organisation.disciplined is False
    assert parsed.settings.denominator is Denominator.ENTITLED
    thresholds = parsed.settings.thresholds
    assert (thresholds.htxsnv, thresholds.httnv, thresholds.htnv) == (Fraction(1, 2),) * 3
    only = parsed.members[0]
    assert only.status is MembershipStatus.FULL
    assert only.present is True and only.exempt is False and only.maternity_leave is False
    assert only.targets_completed_pct == 100 and only.sick_leave_months == 0
    assert only.civil_servant_level is None and only.criteria is None
    assert parsed.tally.votes == {}


def test_values_are_read_exactly():
    data = valid()
    data["settings"] = {"thresholds": {"HTXSNV": 0.1, "HTTNV": 0.1, "HTNV": 0.1}}
    data["members"][0].update(
        civil_servant_level="HTTNV",
        sick_leave_months=2.5,
        criteria={"tasks": "TOT", "other": "KEM"},
    )
    parsed = parse_scenario(data)
    assert parsed.settings.thresholds.htxsnv == Fraction(1, 10)
    assert parsed.members[0].civil_servant_level is Level.HTTNV
    assert parsed.members[0].sick_leave_months == Fraction(5, 2)
    assert parsed.tally.votes_for("m01").htxsnv == 1
    assert parsed.tally.votes_for("m03").total == 0


def _set(path: list, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path: list):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


MALFORMED = [
    # (case, mutation, path named, code)
    ("missing review_date", _delete(["review_date"]), "review_date", "missing"),
    ("missing members", _delete(["members"]), "members", "missing"),
    ("missing tally", _delete(["tally"]), "tally", "missing"),
    ("missing ballots", _delete(["tally", "ballots"]), "tally.ballots", "missing"),
    ("missing member status", _delete(["members", 1, "status"]), "members[1].status", "missing"),
    ("missing member name", _delete(["members", 0, "name"]), "members[0].name", "missing"),
    ("missing member id", _delete(["members", 2, "id"]), "members[2].id", "missing"),
    (
        "missing admitted_on",
        _delete(["members", 0, "admitted_on"]),
        "members[0].admitted_on",
        "missing",
    ),
    ("empty name", _set(["members", 0, "name"], "  "), "members[0].name", "invalid_value"),
    (
        "unknown status",
        _set(["members", 1, "status"], "chinh thuc"),
        "members[1].status",
        "invalid_value",
    ),
    (
        "unknown civil-servant level",
        _set(["members", 0, "civil_servant_level"], "XUAT_SAC"),
        "members[0].civil_servant_level",
        "invalid_value",
    ),
    (
        "unknown self level",
        _set(["members", 0, "self_level"], "htxsnv"),
        "members[0].self_level",
        "invalid_value",
    ),
    (
        "unknown heads level",
        _set(["members", 0, "heads_collective_level"], 3),
        "members[0].heads_collective_level",
        "wrong_type",
    ),
    (
        "unknown criteria grade",
        _set(["members", 0, "criteria"], {"tasks": "GIOI", "other": "TOT"}),
        "members[0].criteria.tasks",
        "invalid_value",
    ),
    (
        "criteria missing other",
        _set(["members", 0, "criteria"], {"tasks": "TOT"}),
        "members[0].criteria.other",
        "missing",
    ),
    (
        "unknown kind",
        _set(["organisation", "kind"], "dang_bo"),
        "organisation.kind",
        "invalid_value",
    ),
    (
        "unknown denominator",
        _set(["settings"], {"denominator": "voters"}),
        "settings.denominator",
        "invalid_value",
    ),
    ("unknown profile", _set(["profile"], "07-HD-2011"), "profile", "unknown_profile"),
    ("bool for a count", _set(["tally", "ballots"], True), "tally.ballots", "wrong_type"),
    ("float for a count", _set(["tally", "ballots"], 2.0), "tally.ballots", "wrong_type"),
    (
        "string for a flag",
        _set(["members", 0, "present"], "yes"),
        "members[0].present",
        "wrong_type",
    ),
    ("int for a flag", _set(["members", 0, "exempt"], 1), "members[0].exempt", "wrong_type"),
    (
        "bool for a number",
        _set(["members", 0, "targets_completed_pct"], False),
        "members[0].targets_completed_pct",
        "wrong_type",
    ),
    (
        "negative targets",
        _set(["members", 0, "targets_completed_pct"], -1),
        "members[0].targets_completed_pct",
        "out_of_range",
    ),
    (
        "sick leave above a year",
        _set(["members", 0, "sick_leave_months"], 13),
        "members[0].sick_leave_months",
        "out_of_range",
    ),
    (
        "negative votes",
        _set(["tally", "votes", "m02", "HTNV"], -1),
        "tally.votes.m02.HTNV",
        "out_of_range",
    ),
    (
        "bool votes",
        _set(["tally", "votes", "m02", "HTNV"], True),
        "tally.votes.m02.HTNV",
        "wrong_type",
    ),
    (
        "votes above ballots",
        _set(["tally", "votes", "m02"], votes(httnv=2, htnv=1)),
        "tally.votes.m02",
        "inconsistent",
    ),
    (
        "votes for unknown member",
        _set(["tally", "votes", "m99"], votes(httnv=1)),
        "tally.votes.m99",
        "unknown_member",
    ),
    (
        "unknown level in votes",
        _set(["tally", "votes", "m02"], {"XUAT_SAC": 1}),
        "tally.votes.m02.XUAT_SAC",
        "unknown_field",
    ),
    ("duplicate ids", _set(["members", 2, "id"], "m01"), "members[2].id", "duplicate"),
    ("bad date format", _set(["review_date"], "15/12/2026"), "review_date", "invalid_value"),
    (
        "impossible date",
        _set(["members", 1, "admitted_on"], "2019-02-30"),
        "members[1].admitted_on",
        "invalid_value",
    ),
    ("compact ISO date", _set(["review_date"], "20261215"), "review_date", "invalid_value"),
    ("date as a number", _set(["review_date"], 20261215), "review_date", "wrong_type"),
    (
        "admitted after review",
        _set(["members", 1, "admitted_on"], "2027-01-01"),
        "members[1].admitted_on",
        "inconsistent",
    ),
    (
        "threshold zero",
        _set(["settings"], {"thresholds": {"HTNV": 0}}),
        "settings.thresholds.HTNV",
        "out_of_range",
    ),
    (
        "threshold one",
        _set(["settings"], {"thresholds": {"HTXSNV": 1}}),
        "settings.thresholds.HTXSNV",
        "out_of_range",
    ),
    (
        "threshold above one",
        _set(["settings"], {"thresholds": {"HTXSNV": 1.5}}),
        "settings.thresholds.HTXSNV",
        "out_of_range",
    ),
    (
        "threshold as string",
        _set(["settings"], {"thresholds": {"HTTNV": "0.5"}}),
        "settings.thresholds.HTTNV",
        "invalid_value",
    ),
    (
        "threshold for KHTNV",
        _set(["settings"], {"thresholds": {"KHTNV": 0.5}}),
        "settings.thresholds.KHTNV",
        "unknown_field",
    ),
    (
        "thresholds out of order",
        _set(["settings"], {"thresholds": {"HTXSNV": 0.4}}),
        "settings.thresholds",
        "invalid_value",
    ),
    ("unknown top-level field", _set(["ballots"], 3), "ballots", "unknown_field"),
    (
        "misspelt member field",
        _set(["members", 0, "presnt"], False),
        "members[0].presnt",
        "unknown_field",
    ),
    (
        "present and absent with leave",
        _set(["members", 0, "absent_with_leave"], True),
        "members[0].absent_with_leave",
        "inconsistent",
    ),
    ("more ballots than voters", _set(["tally", "ballots"], 3), "tally.ballots", "inconsistent"),
    ("no members", _set(["members"], []), "members", "invalid_value"),
    ("members not a list", _set(["members"], {"m01": {}}), "members", "wrong_type"),
    ("member not an object", _set(["members", 0], "Nguyễn Văn An"), "members[0]", "wrong_type"),
    ("votes not an object", _set(["tally", "votes"], []), "tally.votes", "wrong_type"),
]


@pytest.mark.parametrize(
    ("mutate", "path", "code"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_scenario_names_the_field(mutate, path, code):
    data = copy.deepcopy(valid())
    parse_scenario(copy.deepcopy(data))  # the base case is valid
    mutate(data)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert caught.value.path == path
    assert caught.value.code == code
    assert str(caught.value).startswith(f"{path}: ")


def test_root_must_be_an_object():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario([1, 2])
    assert caught.value.code == "wrong_type"


def test_error_messages_are_vietnamese_and_say_what_is_allowed():
    data = valid()
    data["members"][1]["status"] = "official"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert "giá trị không hợp lệ “official”" in caught.value.message
    assert "chinh_thuc, du_bi" in caught.value.message
