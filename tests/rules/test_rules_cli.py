"""`ballot classify`: exit 0 with the proposal, exit 2 naming the field on malformed input."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ballot.cli import main
from tests.rules.rules_builders import member, scenario, votes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("chi-bo-*.json"))


def valid() -> dict:
    return scenario(
        [
            member("m01", name="Nguyễn Văn An"),
            member("m02", name="Trần Thị Bình"),
            member("m03", name="Lê Văn Cường"),
        ],
        {"m01": votes(htxsnv=3), "m02": votes(httnv=2, htnv=1)},
    )


def write(tmp_path: Path, data, name: str = "s.json") -> str:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


def classify_file(path: str, capsys, fmt: str = "json"):
    code = main(["classify", path, "--format", fmt])
    out, err = capsys.readouterr()
    return code, out, err


def test_examples_exist():
    assert {"chi-bo-5.json", "chi-bo-23.json", "chi-bo-60.json"} <= {p.name for p in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_classifies_with_exit_0(example, capsys):
    code, out, err = classify_file(str(example), capsys)
    assert code == 0 and err == ""
    proposal = json.loads(out)
    scenario_members = json.loads(example.read_text("utf-8"))["members"]
    assert [m["id"] for m in proposal["members"]] == [m["id"] for m in scenario_members]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_table_format_prints_vietnamese_names_with_diacritics(example, capsys):
    code, out, _ = classify_file(str(example), capsys, "table")
    assert code == 0
    first_name = json.loads(example.read_text("utf-8"))["members"][0]["name"]
    assert first_name in out
    assert "ĐỀ XUẤT XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN" in out
    assert "Hoàn thành" in out


def _mutations():
    def set_(path, value):
        def mutate(data):
            target = data
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value

        return mutate

    def delete(path):
        def mutate(data):
            target = data
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]

        return mutate

    return [
        ("missing field", delete(["members", 1, "status"]), "members[1].status"),
        ("missing review date", delete(["review_date"]), "review_date"),
        (
            "unknown level",
            set_(["members", 2, "civil_servant_level"], "TOT"),
            "members[2].civil_servant_level",
        ),
        ("unknown status", set_(["members", 0, "status"], "official"), "members[0].status"),
        ("negative votes", set_(["tally", "votes", "m02", "HTNV"], -1), "tally.votes.m02.HTNV"),
        (
            "votes above ballots",
            set_(["tally", "votes", "m01"], votes(htxsnv=3, httnv=1)),
            "tally.votes.m01",
        ),
        ("unknown member votes", set_(["tally", "votes", "m09"], votes(htnv=1)), "tally.votes.m09"),
        ("duplicate ids", set_(["members", 2, "id"], "m01"), "members[2].id"),
        ("bad date", set_(["members", 0, "admitted_on"], "2010-13-01"), "members[0].admitted_on"),
        (
            "bad threshold",
            set_(["settings"], {"thresholds": {"HTXSNV": 1.2}}),
            "settings.thresholds.HTXSNV",
        ),
        ("unknown profile", set_(["profile"], "124-2023"), "profile"),
    ]


@pytest.mark.parametrize(
    ("mutate", "field"), [m[1:] for m in _mutations()], ids=[m[0] for m in _mutations()]
)
def test_malformed_scenario_exits_2_naming_the_field(mutate, field, tmp_path, capsys):
    data = copy.deepcopy(valid())
    mutate(data)
    code, out, err = classify_file(write(tmp_path, data), capsys)
    assert code == 2
    assert out == ""
    assert f"{field}: " in err


def test_invalid_json_exits_2_with_the_position(tmp_path, capsys):
    code, out, err = classify_file(write(tmp_path, '{"review_date": "2026-12-15",,}'), capsys)
    assert code == 2 and out == ""
    assert "JSON không hợp lệ ở dòng 1" in err


def test_a_key_given_twice_is_refused_not_overwritten(tmp_path, capsys):
    text = json.dumps(valid(), ensure_ascii=False).replace(
        '"m02": {', '"m01": {"HTXSNV": 0}, "m02": {', 1
    )
    code, _, err = classify_file(write(tmp_path, text), capsys)
    assert code == 2
    assert "“m01”" in err and "hai lần" in err


def test_missing_file_exits_2(tmp_path, capsys):
    code, out, err = classify_file(str(tmp_path / "khong-co.json"), capsys)
    assert code == 2 and out == ""
    assert "khong-co.json" in err


def test_non_utf8_file_exits_2(tmp_path, capsys):
    path = tmp_path / "latin.json"
    path.write_bytes(json.dumps(valid(), ensure_ascii=False).encode("utf-16"))
    code, _, err = classify_file(str(path), capsys)
    assert code == 2 and "UTF-8" in err


def test_console_script_in_a_real_process_prints_utf8_json():
    completed = subprocess.run(
        [sys.executable, "-m", "ballot.cli", "classify", str(ROOT / "examples" / "chi-bo-5.json")],
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},  # a console that is not UTF-8
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")
    proposal = json.loads(completed.stdout.decode("utf-8"))
    assert proposal["members"][0]["name"] == "Nguyễn Thị Hoa"


def test_console_script_in_a_real_process_exits_2_on_bad_input(tmp_path):
    data = valid()
    data["members"][0]["status"] = "x"
    completed = subprocess.run(
        [sys.executable, "-m", "ballot.cli", "classify", write(tmp_path, data)],
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 2
    assert "members[0].status: " in completed.stderr.decode("utf-8")


# --- bad input a secretary's file really has -------------------------------------------------


def test_deeply_nested_json_exits_2_in_vietnamese_without_a_traceback(tmp_path, capsys):
    code, out, err = classify_file(write(tmp_path, "[" * 2000 + "]" * 2000), capsys)
    assert code == 2 and out == ""
    assert "lồng nhau quá sâu" in err and "Traceback" not in err


def test_deeply_nested_value_inside_a_scenario_exits_2_naming_the_field(tmp_path, capsys):
    text = json.dumps(valid(), ensure_ascii=False).replace(
        '"name": "Nguyễn Văn An"', '"name": ' + "[" * 500 + "]" * 500, 1
    )
    code, _, err = classify_file(write(tmp_path, text), capsys)
    assert code == 2 and "members[0].name: " in err


def test_a_file_saved_by_notepad_with_a_byte_order_mark_is_read(tmp_path, capsys):
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(valid(), ensure_ascii=False).encode("utf-8"))
    code, out, err = classify_file(str(path), capsys)
    assert code == 0 and err == ""
    assert json.loads(out)["members"][0]["name"] == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"review_date": "2026-12-15",,}', "tên trường phải đặt trong dấu ngoặc kép"),
        ('{"review_date" "2026-12-15"}', "thiếu dấu hai chấm"),
        ('{"review_date": "2026-12-15" "x": 1}', "thiếu dấu phẩy"),
        ('{"review_date": "2026-12-15}', "chuỗi chưa có dấu ngoặc kép đóng"),
        ('{"a": 1} {"b": 2}', "còn dữ liệu thừa"),
        ("", "thiếu giá trị"),
    ],
)
def test_json_syntax_errors_are_explained_in_vietnamese(text, words, tmp_path, capsys):
    code, _, err = classify_file(write(tmp_path, text), capsys)
    assert code == 2 and words in err
    assert "Expecting" not in err and "Unterminated" not in err and "Extra data" not in err


def test_an_error_on_the_whole_file_names_the_scenario_not_an_empty_field(tmp_path, capsys):
    code, _, err = classify_file(write(tmp_path, [1, 2]), capsys)
    assert code == 2
    assert "lỗi kịch bản: kịch bản: cần đối tượng JSON" in err


def test_targets_over_100_percent_exit_2_naming_the_field(tmp_path, capsys):
    data = valid()
    data["members"][0]["targets_completed_pct"] = 150
    code, _, err = classify_file(write(tmp_path, data), capsys)
    assert code == 2
    assert "members[0].targets_completed_pct: " in err and "100%" in err


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"status": "du_bi", "admitted_on": "2001-05-19"}, "đã quá 24 tháng"),
        ({"status": "chinh_thuc", "admitted_on": "2026-09-01"}, "chưa qua 12 tháng dự bị"),
        ({"admitted_on": "1925-01-01"}, "trước ngày thành lập Đảng"),
    ],
)
def test_status_impossible_for_the_admission_date_exits_2(facts, words, tmp_path, capsys):
    data = valid()
    data["members"][2].update(facts)
    code, _, err = classify_file(write(tmp_path, data), capsys)
    assert code == 2 and words in err


def test_a_probation_that_may_still_await_recognition_is_a_warning_not_an_error(tmp_path, capsys):
    data = valid()
    data["members"][2].update(status="du_bi", admitted_on="2025-10-01")  # 14 months
    data["tally"] = {"ballots": 2, "votes": {"m01": votes(htxsnv=2)}}
    code, out, err = classify_file(write(tmp_path, data), capsys)
    assert code == 0
    assert "cảnh báo: members[2].status: thời gian dự bị 12 tháng đã hết" in err
    assert json.loads(out)["warnings"][0]["field"] == "members[2].status"


def test_a_scenario_without_kind_is_refused_naming_both_kinds(tmp_path, capsys):
    data = valid()
    del data["organisation"]["kind"]
    code, _, err = classify_file(write(tmp_path, data), capsys)
    assert code == 2
    assert "organisation.kind: " in err and "chi_bo_co_so" in err and "chi_bo_truc_thuoc" in err
