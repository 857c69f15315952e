"""The one place requests are checked (docs/architecture.md, “Validation”): each
body or query is parsed into a typed command of `ballot.services.commands`, and
any refusal becomes a 400 whose Vietnamese message names the field, with its
path in `error.field`. Nothing reaches a use case unchecked."""

from __future__ import annotations

from typing import Any, TypeVar, get_args

from flask import Request
from pydantic import BaseModel, ValidationError

from ballot.services.errors import ServiceError

T = TypeVar("T", bound=BaseModel)

_PROBLEMS = {
    "missing": "còn thiếu",
    "extra_forbidden": "không có mục này",
    "string_type": "phải là văn bản",
    "bool_type": "phải là đúng hoặc sai (true/false)",
    "int_type": "phải là số nguyên",
    "float_type": "phải là số",
    "int_from_float": "phải là số nguyên",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "model_attributes_type": "phải là một đối tượng JSON",
    "list_type": "phải là một danh sách",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "string_pattern_mismatch": "không đúng dạng",
    "greater_than": "phải lớn hơn {gt}",
    "less_than": "phải nhỏ hơn {lt}",
}


def parse_json(model: type[T], request: Request) -> T:
    """The request's JSON body as `model`; a call whose command takes no field may
    come with no body at all."""
    raw = request.get_data(cache=True)
    if not raw.strip() and not model.model_fields:
        raw = b"{}"
    elif not request.is_json:
        raise ServiceError("unsupported_media_type",
                           "Cần gửi JSON (Content-Type: application/json).", 415)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise refusal(exc, model) from None


def parse_value(model: type[T], value: Any) -> T:
    """`value` (already decoded: a Socket.IO event's data, rows read from an uploaded
    file) as `model`, with the same checks and messages as a JSON body."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise refusal(exc, model) from None


def refusal(exc: ValidationError, model: type[BaseModel]) -> ServiceError:
    error = exc.errors(include_url=False)[0]
    if error["type"] == "json_invalid":
        cause = str((error.get("ctx") or {}).get("error", ""))
        if "recursion limit" in cause:
            return ServiceError("bad_json", "Nội dung JSON lồng nhau quá sâu.", 400)
        return ServiceError("bad_json", "Nội dung không phải JSON hợp lệ.", 400)
    location = tuple(error["loc"])
    path = ".".join(str(part) for part in location)
    message = f"{_label(model, location)}: {_problem(error)}."
    return ServiceError("invalid_field", message[0].upper() + message[1:], 400, field=path or None)


def _problem(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("string_too_long", "too_long"):
        unit = "ký tự" if kind == "string_too_long" else "mục"
        return f"quá dài (tối đa {ctx.get('max_length')} {unit})"
    if kind in ("string_too_short", "too_short"):
        return "không được để trống" if ctx.get("min_length", 1) <= 1 else \
            f"cần ít nhất {ctx.get('min_length')} mục"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " hoặc ")
        return f"phải là một trong: {expected}"
    if kind == "value_error":
        return str(ctx.get("error", "không hợp lệ"))
    if kind in _PROBLEMS:
        return _PROBLEMS[kind].format(**ctx)
    return "không hợp lệ"


def _position(kind: str, index: int) -> str:
    """A position as its reader counts it: a spreadsheet's rows from 1, its columns
    by letter (A, B, …, AA), anything else "mục thứ N"."""
    if kind != "cột":
        return f"{kind} {index + 1}"
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"cột {letters}"


def _label(model: type[BaseModel], location: tuple[Any, ...]) -> str:
    """The field as a person knows it: the command's Vietnamese title, then any
    position ("mục thứ 3") or column inside it, and the titles of the fields of a
    nested command (“Tự đánh giá của chi bộ (Mẫu 01), Các tiêu chí khác”)."""
    if not location:
        return "Nội dung yêu cầu"
    first, rest = location[0], location[1:]
    field = model.model_fields.get(str(first)) if isinstance(first, str) else None
    words = [field.title] if field is not None and field.title else [f"“{first}”"]
    positions = iter((field.json_schema_extra or {}).get("positions", ()) if field is not None else ())
    inner = _nested_model(field.annotation) if field is not None else None
    for part in rest:
        if isinstance(part, int):
            words.append(_position(next(positions, "mục thứ"), part))
        elif part != "[key]":
            nested = inner.model_fields.get(part) if inner is not None else None
            words.append(nested.title if nested is not None and nested.title else f"“{part}”")
            inner = _nested_model(nested.annotation) if nested is not None else None
    return ", ".join(words)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The command a field holds, itself or in a list or an optional (None otherwise)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _nested_model(argument)
        if found is not None:
            return found
    return None
