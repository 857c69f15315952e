"""Profile 366-2025: the scenario additions of QĐ 366 (validated for every profile, read
only by 366-2025), the profile in force on a date, and the output of the new profile."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest

from ballot.rules import (
    Discipline,
    ScenarioError,
    Score,
    parse_scenario,
    profile_in_force,
    profile_names,
    proposal_to_dict,
    render_table,
)
from tests.rules.rules_builders import member, run, scenario, votes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROFILES = ["21-HD-2019", "366-2025"]

NEW_FACTS = {
    "score": {"general": 28.5, "tasks": 60},
    "tasks_completed_pct": 90,
    "tasks_exceeded_pct": 10,
    "tasks_behind_schedule_pct": 25,
    "tasks_failed_pct": 10,
    "earlier_shortcomings_fixed": False,
    "discipline": "canh_cao",
    "cap_group": "Lãnh đạo",
}


def one_member(profile: str, organisation: dict | None = None, **facts) -> dict:
    return scenario(
        [member("m01", **facts), member("m02")],
        {"m01": votes(htxsnv=2)},
        profile=profile,
        organisation={
            "name": "Chi bộ Thử nghiệm",
            "kind": "chi_bo_truc_thuoc",
            **(organisation or {}),
        },
    )


# --- parsing: accepted and validated for both profiles ---------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_new_member_fields_are_read_for_every_profile(profile):
    parsed = parse_scenario(one_member(profile, **NEW_FACTS)).members[0]
    assert parsed.score == Score(Fraction(177, 2), Fraction(57, 2), Fraction(60))
    assert parsed.tasks_completed_pct == 90
    assert parsed.tasks_exceeded_pct == 10
    assert parsed.tasks_behind_schedule_pct == 25
    assert parsed.tasks_failed_pct == 10
    assert parsed.earlier_shortcomings_fixed is False
    assert parsed.discipline is Discipline.CANH_CAO
    assert parsed.cap_group == "Lãnh đạo"


@pytest.mark.parametrize("profile", PROFILES)
def test_new_fields_default_to_not_given(profile):
    parsed = parse_scenario(one_member(profile))
    facts = parsed.members[0]
    assert facts.score is None and facts.discipline is None and facts.cap_group is None
    assert facts.tasks_completed_pct is None and facts.earlier_shortcomings_fixed is None
    assert parsed.organisation.cap_percent is None


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("field", [*NEW_FACTS])
def test_new_member_fields_accept_null(profile, field):
    parse_scenario(one_member(profile, **{field: None}))


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("facts", "path"),
    [
        ({"score": 100.1}, "members[0].score"),
        ({"score": -1}, "members[0].score"),
        ({"score": "90"}, "members[0].score"),
        ({"score": True}, "members[0].score"),
        ({"score": {"general": 31, "tasks": 60}}, "members[0].score.general"),
        ({"score": {"general": 20, "tasks": 70.5}}, "members[0].score.tasks"),
        ({"score": {"general": 20}}, "members[0].score.tasks"),
        ({"score": {"general": 20, "tasks": 50, "bonus": 5}}, "members[0].score.bonus"),
        ({"tasks_completed_pct": 101}, "members[0].tasks_completed_pct"),
        ({"tasks_exceeded_pct": -0.5}, "members[0].tasks_exceeded_pct"),
        ({"tasks_behind_schedule_pct": "10%"}, "members[0].tasks_behind_schedule_pct"),
        ({"tasks_failed_pct": 100.01}, "members[0].tasks_failed_pct"),
        ({"tasks_completed_pct": 60, "tasks_failed_pct": 41}, "members[0].tasks_failed_pct"),
        ({"earlier_shortcomings_fixed": "yes"}, "members[0].earlier_shortcomings_fixed"),
        ({"discipline": "phe_binh"}, "members[0].discipline"),
        ({"discipline": True}, "members[0].discipline"),
        ({"cap_group": ""}, "members[0].cap_group"),
        ({"cap_group": 3}, "members[0].cap_group"),
    ],
)
def test_malformed_new_member_fields_name_the_field_for_every_profile(profile, facts, path):
    with pytest.raises(ScenarioError) as error:
        parse_scenario(one_member(profile, **facts))
    assert error.value.path == path


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("value", [30, 0, 20.0, "25", True])
def test_cap_percent_is_20_or_25(profile, value):
    with pytest.raises(ScenarioError) as error:
        parse_scenario(one_member(profile, organisation={"cap_percent": value}))
    assert error.value.path == "organisation.cap_percent"
    for good in (20, 25, None):
        parse_scenario(one_member(profile, organisation={"cap_percent": good}))


def test_unknown_profile_lists_both_profiles():
    with pytest.raises(ScenarioError) as error:
        parse_scenario(one_member("124-2023"))
    assert error.value.path == "profile"
    assert "21-HD-2019" in error.value.message and "366-2025" in error.value.message
    assert profile_names() == ("21-HD-2019", "366-2025")


# --- 21-HD-2019 ignores the new fields ----------------------------------------------------------


def with_new_facts(data: dict) -> dict:
    """Every new fact on every member (cycled), and a 25% cap percent."""
    variants = [
        NEW_FACTS,
        {"score": 10, "tasks_failed_pct": 90, "discipline": "khai_tru", "cap_group": "B"},
        {
            "score": 100,
            "tasks_completed_pct": 100,
            "tasks_exceeded_pct": 100,
            "earlier_shortcomings_fixed": True,
        },
        {"cap_group": "C"},
    ]
    changed = copy.deepcopy(data)
    for index, item in enumerate(changed["members"]):
        item.update(variants[index % len(variants)])
    changed.setdefault("organisation", {})["cap_percent"] = 25
    return changed


@pytest.mark.parametrize("name", ["chi-bo-5.json", "chi-bo-23.json", "chi-bo-60.json"])
def test_21_hd_2019_results_do_not_change_when_the_new_fields_are_present(name):
    data = json.loads((EXAMPLES / name).read_text("utf-8"))
    assert data["profile"] == "21-HD-2019"
    original = proposal_to_dict(run(data))
    assert proposal_to_dict(run(with_new_facts(data))) == original
    assert set(original["cap"]) == {"candidates", "good", "max_excellent", "binding", "tied"}


def test_21_hd_2019_table_does_not_change_when_the_new_fields_are_present():
    data = json.loads((EXAMPLES / "chi-bo-60.json").read_text("utf-8"))
    changed = with_new_facts(data)
    original = render_table(parse_scenario(data), run(data))
    assert render_table(parse_scenario(changed), run(changed)) == original


# --- the profile in force ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "profile"),
    [
        (date(2019, 12, 20), "21-HD-2019"),
        (date(2024, 12, 20), "21-HD-2019"),
        (date(2025, 10, 30), "21-HD-2019"),
        (date(2025, 10, 31), "366-2025"),
        (date(2025, 12, 15), "366-2025"),
        (date(2026, 12, 15), "366-2025"),
        (datetime(2025, 10, 31, 8, 0), "366-2025"),
        (datetime(2025, 10, 30, 23, 59), "21-HD-2019"),
    ],
)
def test_profile_in_force_from_2025_10_31(day, profile):
    assert profile_in_force(day) == profile


def test_profile_in_force_refuses_a_non_date():
    with pytest.raises(TypeError):
        profile_in_force("2025-10-31")  # type: ignore[arg-type]


def test_services_profile_in_force_delegates_to_the_engine():
    from ballot.services.scenario import profile_in_force as services_in_force

    assert services_in_force(date(2025, 10, 30)) == "21-HD-2019"
    assert services_in_force(date(2026, 12, 15)) == "366-2025"


def test_a_scenario_without_a_profile_keeps_21_hd_2019():
    data = one_member("366-2025")
    del data["profile"]
    assert run(data).profile == "21-HD-2019"


# --- output ---------------------------------------------------------------------------------------


def test_366_proposal_names_its_profile_and_sections():
    data = one_member("366-2025", score=80, discipline="khien_trach")
    out = proposal_to_dict(run(data))
    assert out["profile"] == "366-2025"
    sections = {r["section"] for m in out["members"] for r in m["reasons"]}
    assert {"QĐ 366 khoản 4.2", "QĐ 366 Điều 11", "Cách đếm phiếu của hồ sơ 366-2025"} <= sections
    assert "HD 43" not in sections  # HD 43 is cited by its numbered item only
    assert all(s.startswith("21-HD II.B") or "II.B" not in s for s in sections)


def test_366_table_names_the_regulation_and_the_cap_groups():
    data = json.loads((EXAMPLES / "366-chi-bo-40.json").read_text("utf-8"))
    text = " ".join(render_table(parse_scenario(data), run(data)).split())
    assert "Hồ sơ quy tắc: 366-2025 (Quy định số 366-QĐ/TW" in text
    assert "43-HD/BTCTW" in text
    assert (
        "SỐ ĐẢNG VIÊN “HOÀN THÀNH XUẤT SẮC NHIỆM VỤ” KHÔNG VƯỢT QUÁ 25% SỐ ĐẢNG VIÊN XẾP LOẠI "
        "“HOÀN THÀNH TỐT NHIỆM VỤ” [QĐ 366 khoản 1.5]"
    ) in text
    assert "không có ngoại lệ cho nơi có ít đảng viên" in text
    assert "nhóm “Phòng Kỹ thuật”: k = 3, h = 12, x = 3" in text


@pytest.mark.parametrize("fmt", ["json", "table"])
@pytest.mark.parametrize("name", ["366-chi-bo-5.json", "366-chi-bo-24.json", "366-chi-bo-40.json"])
def test_ballot_classify_runs_the_366_examples(name, fmt):
    completed = subprocess.run(
        [sys.executable, "-m", "ballot.cli", "classify", str(EXAMPLES / name), "--format", fmt],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    if fmt == "json":
        assert json.loads(completed.stdout)["profile"] == "366-2025"
    else:
        assert "366-2025" in completed.stdout
