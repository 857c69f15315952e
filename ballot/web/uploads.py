"""Uploaded files read into plain values at the edge: a roster spreadsheet (CSV or
XLSX) into rows of cells. What the columns mean is the roster's business
(ballot.services.roster); here only the file format is read."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from ballot.services.errors import ServiceError

# Blank rows after which the rest of a sheet is taken to be empty.
TRAILING_BLANK_ROWS = 1000


def read_table(filename: str, data: bytes) -> list[list[Any]]:
    """Rows of a CSV (UTF-8, comma or semicolon, with or without BOM) or XLSX file (its
    first sheet), numbered as the spreadsheet numbers them. A line break inside a cell
    (Alt+Enter in a header) is read as a space; the empty cells and rows a sheet's
    formatting drags along past its data are dropped."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif name.endswith(".csv"):
        table = _read_csv(data)
    else:
        raise ServiceError("bad_file_type", "Chỉ nhận tệp .csv hoặc .xlsx.", 400, field="file")
    return _trimmed([[_one_line(cell) for cell in row] for row in table])


def _one_line(cell: Any) -> Any:
    if isinstance(cell, str) and any(ch in cell for ch in "\r\n\t"):
        return " ".join(cell.replace("\r", " ").split())
    return cell


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trimmed(table: list[list[Any]]) -> list[list[Any]]:
    rows = [row[:max((i + 1 for i, cell in enumerate(row) if not _empty(cell)), default=0)] for row in table]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError("bad_encoding", "Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành, chọn “CSV UTF-8”), "
                           "hoặc gửi tệp .xlsx.", 400, field="file") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ServiceError("bad_file", "Không đọc được tệp CSV.", 400, field="file") from None


def _read_xlsx(data: bytes) -> list[list[Any]]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows: list[list[Any]] = []
        blank_run = 0
        for row in sheet.iter_rows(values_only=True):
            blank_run = blank_run + 1 if all(_empty(cell) for cell in row) else 0
            if blank_run > TRAILING_BLANK_ROWS:
                break  # formatting dragged down the sheet, nothing more to read
            rows.append(list(row))
        return rows
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ServiceError("bad_file", "Không đọc được tệp XLSX.", 400, field="file") from None
