"""`ballot classify SCENARIO.json`: the only place in ballot.rules that reads or prints.

Exit 0 with the proposal on stdout; exit 2 with a message naming the field on
stderr when the scenario is unreadable or malformed.
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


def _load_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle, object_pairs_hook=_refuse_duplicate_keys)
    except OSError as error:
        raise ScenarioError(path, f"không đọc được tệp ({error.strerror})", "unreadable") from None
    except UnicodeDecodeError:
        raise ScenarioError(path, "tệp không phải UTF-8", "unreadable") from None
    except json.JSONDecodeError as error:
        raise ScenarioError(
            path,
            f"JSON không hợp lệ ở dòng {error.lineno}, cột {error.colno}: {error.msg}",
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
    proposal = classify(scenario)
    if fmt == "table":
        sys.stdout.write(render_table(scenario, proposal))
    else:
        json.dump(proposal_to_dict(proposal), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return EXIT_OK
