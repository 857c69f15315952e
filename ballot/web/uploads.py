"""Uploaded files read into plain values at the edge: a roster spreadsheet (CSV or
XLSX) into rows of cells. What the columns mean is the roster's business
(ballot.services.roster); here only the file format is read."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from ballot.services.errors import ServiceError


def read_table(filename: str, data: bytes) -> list[list[Any]]:
    """Rows of a CSV (UTF-8, comma or semicolon, with or without BOM) or XLSX file."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise ServiceError("bad_file_type", "Chỉ nhận tệp .csv hoặc .xlsx.", 400, field="file")


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError("bad_encoding", "Tệp CSV phải mã hóa UTF-8.", 400, field="file") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ServiceError("bad_file", "Không đọc được tệp CSV.", 400, field="file") from None


def _read_xlsx(data: bytes) -> list[list[Any]]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ServiceError("bad_file", "Không đọc được tệp XLSX.", 400, field="file") from None
