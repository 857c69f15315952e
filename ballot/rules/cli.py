"""`ballot classify SCENARIO.json`: the place in ballot.rules that reads files and
prints (with `python -m ballot.rules.catalogue`, which prints docs/reasons.md).

Exit 0 with the proposal on stdout (warnings about the data on stderr); exit 2
with a Vietnamese message naming the field on stderr when the scenario is
unreadable or malformed. A file saved by Windows Notepad (UTF-8 with a byte
order mark) reads like any other.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ballot.rules.pipeline import classify
from ballot.rules.scenario import ScenarioError, parse_scenario
from ballot.rules.serialize import proposal_to_dict
from ballot.rules.table import render_table

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice (two "m01" tallies) must not silently keep the last one."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ScenarioError(
                key, f"khóa “{key}” xuất hiện hai lần trong cùng một đối tượng", "duplicate"
            )
        result[key] = value
    return result


# The messages of Python's JSON parser, in Vietnamese (the prefix before any detail).
_JSON_ERRORS_VI = {
    "Expecting value": "thiếu giá trị (hoặc có ký tự không hợp lệ)",
    "Expecting property name enclosed in double quotes": "tên trường phải đặt trong dấu ngoặc kép",
    "Expecting ':' delimiter": "thiếu dấu hai chấm “:” sau tên trường",
    "Expecting ',' delimiter": "thiếu dấu phẩy “,” giữa hai phần tử",
    "Unterminated string starting at": "chuỗi chưa có dấu ngoặc kép đóng",
    "Invalid control character at": "có ký tự điều khiển trong chuỗi",
    "Invalid \\escape": "ký tự thoát “\\” không hợp lệ",
    "Invalid \\uXXXX escape": "mã “\\uXXXX” không hợp lệ",
    "Extra data": "còn dữ liệu thừa sau khi JSON đã kết thúc",
}


def _json_error_vi(message: str) -> str:
    for english, vietnamese in _JSON_ERRORS_VI.items():
        if message.startswith(english):
            return vietnamese
    return "cú pháp không hợp lệ"


def _load_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return json.load(handle, object_pairs_hook=_refuse_duplicate_keys)
    except OSError as error:
        raise ScenarioError(path, f"không đọc được tệp ({error.strerror})", "unreadable") from None
    except UnicodeDecodeError:
        raise ScenarioError(path, "tệp không phải UTF-8", "unreadable") from None
    except RecursionError:
        raise ScenarioError(
            path, "JSON lồng nhau quá sâu, không phải một kịch bản", "invalid_json"
        ) from None
    except json.JSONDecodeError as error:
        raise ScenarioError(
            path,
            f"JSON không hợp lệ ở dòng {error.lineno}, cột {error.colno}: "
            f"{_json_error_vi(error.msg)}",
            "invalid_json",
        ) from None


def _use_utf8(stream: Any) -> None:
    """Vietnamese must print on any console locale, not raise UnicodeEncodeError."""
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")


def run_classify(path: str, fmt: str) -> int:
    _use_utf8(sys.stdout)
    _use_utf8(sys.stderr)
    try:
        scenario = parse_scenario(_load_json(path))
    except ScenarioError as error:
        print(f"ballot classify: lỗi kịch bản: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RecursionError:
        print(f"ballot classify: lỗi kịch bản: {path}: dữ liệu lồng nhau quá sâu", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in scenario.warnings:
        print(f"ballot classify: cảnh báo: {warning.path}: {warning.message}", file=sys.stderr)
    proposal = classify(scenario)
    if fmt == "table":
        sys.stdout.write(render_table(scenario, proposal))
    else:
        json.dump(proposal_to_dict(proposal), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return EXIT_OK
