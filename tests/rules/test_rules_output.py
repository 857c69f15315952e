"""The proposal schema (reused by the meeting and the certified bundle) and the table."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ballot.rules import classify, parse_scenario, proposal_to_dict, render_table
from ballot.rules.text import percent_vi, round_fraction
from tests.rules.rules_builders import crowd, member, run, scenario, votes

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("chi-bo-*.json"))
LEVEL_KEYS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
SECTION = re.compile(r"II\.B\.\d(\.\d)*(\.[a-zđ])?|Cách đếm phiếu của hồ sơ 21-HD-2019")
SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
VIETNAMESE_LETTER = re.compile(
    "[ăâđêôơưàáảãạầấẩẫậằắẳẵặèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
)


def sample():
    members = [
        member("m01"),
        member("m02", disciplined_this_year=True),
        *crowd(3),
        member("gone", present=False),
    ]
    tally = {"m01": votes(htxsnv=4, httnv=1), "m02": votes(httnv=5), "x00": votes(htnv=2, httnv=1)}
    return scenario(members, tally)


def test_proposal_has_exactly_the_issue_2_keys():
    data = proposal_to_dict(run(sample()))
    assert list(data) == [
        "profile",
        "rules_version",
        "members",
        "totals",
        "cap",
        "organisation",
        "denominator",
        "rounds",
        "warnings",
    ]
    assert data["rules_version"] == 2
    assert data["profile"] == "21-HD-2019"
    assert list(data["members"][0]) == [
        "id",
        "name",
        "status",
        "voted_level",
        "level",
        "votes",
        "shares",
        "round",
        "reasons",
    ]
    assert list(data["members"][0]["votes"]) == LEVEL_KEYS
    assert list(data["members"][0]["shares"]) == LEVEL_KEYS
    assert list(data["members"][0]["reasons"][0]) == ["code", "section", "message"]
    assert list(data["totals"]) == [*LEVEL_KEYS, "classified"]
    assert list(data["cap"]) == ["candidates", "good", "max_excellent", "binding", "tied"]
    assert list(data["organisation"]) == ["max_level", "reasons"]


def test_proposal_values_for_a_small_chi_bo():
    data = proposal_to_dict(run(sample()))
    by_id = {m["id"]: m for m in data["members"]}
    assert data["denominator"] == 6
    assert (by_id["m01"]["status"], by_id["m01"]["level"]) == ("classified", "HTXSNV")
    assert (by_id["m02"]["voted_level"], by_id["m02"]["level"]) == ("HTTNV", "KHTNV")
    assert (by_id["x00"]["status"], by_id["x00"]["level"]) == ("undetermined", None)
    assert (by_id["gone"]["status"], by_id["gone"]["level"]) == ("absent", None)
    assert by_id["m01"]["shares"] == {"HTXSNV": 0.6667, "HTTNV": 0.1667, "HTNV": 0.0, "KHTNV": 0.0}
    assert data["totals"] == {"HTXSNV": 1, "HTTNV": 0, "HTNV": 0, "KHTNV": 1, "classified": 2}
    assert data["cap"] == {
        "candidates": 1,
        "good": 0,
        "max_excellent": 1,
        "binding": True,
        "tied": [],
    }
    assert data["organisation"]["max_level"] == "KHTNV"


def test_members_keep_input_order_and_output_is_deterministic():
    data = sample()
    first = json.dumps(proposal_to_dict(run(data)), ensure_ascii=False)
    second = json.dumps(proposal_to_dict(run(data)), ensure_ascii=False)
    assert first == second
    assert [m["id"] for m in json.loads(first)["members"]] == [m["id"] for m in data["members"]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(2, 3), Decimal("0.6667")),
        (Fraction(1, 3), Decimal("0.3333")),
        (Fraction(1, 32), Decimal("0.0313")),  # half-up, not half-even (0.0312)
        (Fraction(1, 1), Decimal("1.0000")),
        (Fraction(0), Decimal("0.0000")),
    ],
)
def test_shares_round_half_up_to_four_places(value, expected):
    assert round_fraction(value, 4) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 2), "50%"),
        (Fraction(20, 23), "86,96%"),
        (Fraction(2, 3), "66,67%"),
        (Fraction(1, 5), "20%"),
        (Fraction(0), "0%"),
    ],
)
def test_vietnamese_percentages_use_a_decimal_comma(value, text):
    assert percent_vi(value) == text


def test_status_and_level_agree_everywhere():
    for path in EXAMPLES:
        proposal = proposal_to_dict(classify(parse_scenario(json.loads(path.read_text("utf-8")))))
        for result in proposal["members"]:
            assert (result["level"] is not None) == (result["status"] == "classified"), result["id"]


def test_every_reason_has_a_stable_code_a_section_and_a_vietnamese_message():
    seen = 0
    for path in EXAMPLES:
        proposal = proposal_to_dict(classify(parse_scenario(json.loads(path.read_text("utf-8")))))
        reasons = [r for m in proposal["members"] for r in m["reasons"]]
        reasons += proposal["organisation"]["reasons"]
        for reason in reasons:
            assert SNAKE.fullmatch(reason["code"]), reason
            assert SECTION.fullmatch(reason["section"]), reason
            assert VIETNAMESE_LETTER.search(reason["message"].lower()), reason
            seen += 1
    assert seen > 100


def test_table_is_vietnamese_with_reasons_under_each_member():
    data = sample()
    data["members"][0]["name"] = "Nguyễn Thị Ánh Tuyết"
    data["members"][0]["self_level"] = "HTXSNV"
    text = render_table(parse_scenario(data), run(data))
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if "Nguyễn Thị Ánh Tuyết" in line)
    assert "Hoàn thành xuất sắc nhiệm vụ" in lines[row]
    assert "tự nhận: Hoàn thành xuất sắc nhiệm vụ" in lines[row + 1]
    assert "[Cách đếm phiếu của hồ sơ 21-HD-2019]" in lines[row + 2]
    assert "[II.B.2.3.d]" in text and "Không hoàn thành nhiệm vụ" in text
    assert "Vắng mặt, xếp loại sau" in text and "Chưa xác định" in text
    assert "MỨC XẾP LOẠI CAO NHẤT CỦA CHI BỘ" in text
    assert all(len(line) <= 110 for line in lines)  # wrapped text at 100, table rows a bit more


def test_table_aligns_names_written_with_combining_marks():
    data = scenario([member("a", name="Nguye\u0302\u0303n Va\u0306n A"), *crowd(2)])
    text = render_table(parse_scenario(data), run(data))
    assert "Nguyễn Văn A" in text  # shown composed (NFC)
