"""The structure of a bundle, checked against its JSON Schema (docs/bundle.schema.json;
docs/bundle.md, "The JSON Schema").

`bundle_schema()` is the one place that knows where the schema is stored.
`schema_problems(bundle)` lists what breaks it, each naming the JSON path
(`rounds[0].ballots[2].prefix`) and saying in Vietnamese and English what is wrong;
`ballot verify` reports them as its "format" check. The schema holds the structure
only: what a later check decides (signatures, recount, order, duplicates, the rules)
is left to that check, so each kind of tampering is still named by its own check.

Pure: a dict in, a list out; no Flask, no database.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from ballot.assets import asset_dir

Problem = tuple[str, str]  # (Vietnamese, English), each "path: what is wrong"

TYPE_NAMES = {
    "string": ("chuỗi", "a string"),
    "integer": ("số nguyên", "an integer"),
    "number": ("số", "a number"),
    "boolean": ("true hoặc false", "true or false"),
    "object": ("đối tượng", "an object"),
    "array": ("danh sách", "a list"),
    "null": ("null", "null"),
}
FORMAT_NAMES = {
    "date": ("ngày (YYYY-MM-DD)", "date (YYYY-MM-DD)"),
    "date-time": ("thời điểm (YYYY-MM-DDTHH:MM:SSZ)", "time (YYYY-MM-DDTHH:MM:SSZ)"),
}
NOT_BLANK = "\\S"
ANNOTATIONS = frozenset({"description", "title", "$comment"})


BUNDLE_SCHEMA = "bundle.schema.json"
# Format 2, "phieukin-bundle/2": format 1 with encrypted rounds (docs/bundle.md, “Format 2”).
ENCRYPTED_BUNDLE_SCHEMA = "bundle-2.schema.json"
# The đảng ủy's bundle, "phieukin-committee/1" (docs/committee-bundle.md).
COMMITTEE_SCHEMA = "committee-bundle.schema.json"


def bundle_schema(name: str = BUNDLE_SCHEMA) -> dict[str, Any]:
    """The JSON Schema of "phieukin-bundle/1" (docs/bundle.schema.json), or of another
    format stored beside it in docs/."""
    path = asset_dir("docs") / name
    return json.loads(path.read_text(encoding="utf-8"))


def schema_problems(bundle: Any, name: str = BUNDLE_SCHEMA) -> list[Problem]:
    """Every place where `bundle` breaks the schema, in a stable order; [] if none."""
    found: list[Problem] = []
    seen: set[Problem] = set()
    for error in _validator(name).iter_errors(bundle):
        for problem in _describe(error):
            if problem not in seen:
                seen.add(problem)
                found.append(problem)
    return found


# --- the validator ------------------------------------------------------------------


def _ecma_pattern(validator, pattern: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """`pattern` read as JSON Schema's regular-expression dialect (ECMA-262) reads it:
    `$` is the very end of the text. Python's `re` would let a final newline through."""
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


@functools.lru_cache(maxsize=4)
def _validator(name: str = BUNDLE_SCHEMA) -> Draft202012Validator:
    """Built once per process: the schema checked against its metaschema, its
    references inlined, its patterns read as ECMA-262."""
    schema = bundle_schema(name)
    Draft202012Validator.check_schema(schema)
    strict = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})
    return strict(_inlined(schema), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every `#/$defs/...` reference replaced by its definition.

    The same constraints, checked twice as fast: resolving a reference is about half
    of jsonschema's time on a bundle of 1,000 members (bench/bundle_verify.py). The
    file keeps its references, for people to read."""
    definitions = schema.get("$defs", {})

    def inline(node: Any, following: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(item, following) for item in node]
        if not isinstance(node, dict):
            return node
        rest = {key: inline(value, following) for key, value in node.items()
                if key not in ("$ref", "$defs")}
        if "$ref" not in node:
            return rest
        name = node["$ref"].removeprefix("#/$defs/")
        if name in following or name not in definitions:
            raise ValueError(f"cannot inline {node['$ref']}")  # none is recursive or external
        target = inline(definitions[name], following + (name,))
        # Beside $ref, annotations only merge; anything that validates applies as well.
        return {**target, **rest} if set(rest) <= ANNOTATIONS else {"allOf": [target, rest]}

    return inline(schema, ())


# --- messages -----------------------------------------------------------------------


def _describe(error: ValidationError) -> Iterator[Problem]:
    path = list(error.absolute_path)
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "required":
        for name in expected:
            if name not in instance:
                yield _at(path + [name], "thiếu trường bắt buộc", "missing required field")
    elif keyword == "additionalProperties" and expected is False:
        known = error.schema.get("properties", {})
        for name in instance:
            if name not in known:
                yield _at(path + [name], "trường không được biết đến", "unknown field")
    else:
        yield _at(path, *_what_is_wrong(keyword, expected, instance, error.message))


def _what_is_wrong(keyword: str, expected: Any, instance: Any, message: str) -> tuple[str, str]:
    if keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        vi = " hoặc ".join(TYPE_NAMES[t][0] for t in wanted)
        en = " or ".join(TYPE_NAMES[t][1] for t in wanted)
        got_vi, got_en = _type_of(instance)
        return f"cần {vi}, nhận được {got_vi}", f"expected {en}, got {got_en}"
    if keyword == "const":
        return f"phải là {_shown(expected)}", f"must be {_shown(expected)}"
    if keyword == "enum":
        choices = ", ".join(_shown(choice) for choice in expected)
        return f"giá trị {_shown(instance)} không hợp lệ (cần một trong: {choices})", (
            f"value {_shown(instance)} is not allowed (one of: {choices})"
        )
    if keyword == "pattern":
        if expected == NOT_BLANK:
            return "không được để trống", "must not be blank"
        return f"không đúng dạng (cần khớp {expected})", f"does not match {expected}"
    if keyword == "format":
        vi, en = FORMAT_NAMES.get(expected, (expected, expected))
        return f"không phải {vi} hợp lệ", f"not a valid {en}"
    bounds = {
        "minimum": ("≥", "at least"),
        "maximum": ("≤", "at most"),
        "exclusiveMinimum": (">", "more than"),
        "exclusiveMaximum": ("<", "less than"),
    }
    if keyword in bounds:
        vi, en = bounds[keyword]
        return f"phải {vi} {expected} (nhận được {instance})", f"must be {en} {expected} (got {instance})"
    if keyword == "minItems":
        return f"cần ít nhất {expected} phần tử", f"needs at least {expected} items"
    if keyword == "maxItems":
        return f"nhiều nhất {expected} phần tử", f"at most {expected} items"
    return f"không hợp lệ ({message})", message


def _at(path: list[Any], vi: str, en: str) -> Problem:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    where = where.removeprefix(".")
    return f"{where or 'gói'}: {vi}", f"{where or 'bundle'}: {en}"


def _type_of(value: Any) -> tuple[str, str]:
    for name, kind in (("boolean", bool), ("integer", int), ("number", float), ("string", str),
                       ("array", list), ("object", dict)):
        if isinstance(value, kind):
            return TYPE_NAMES[name]
    return TYPE_NAMES["null"] if value is None else (type(value).__name__, type(value).__name__)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
