"""Roster files as offices keep them, uploaded through the host's API
(services/roster.py, docs/rules.md “Dữ liệu đầu vào”): Vietnamese headers and values
with or without diacritics, title rows above the header, every error of every row at
once named by the file's own row and column, nothing stored on error, and the sample
of each rule profile importing cleanly into a meeting of that profile."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import inspect, text

from ballot.services.scenario import profile_in_force, profile_names
from tests.meeting_kit import REVIEW_DATE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

TITLE = ["DANH SÁCH ĐẢNG VIÊN CHI BỘ PHÒNG TỔNG HỢP"]
HEADER = ["STT", "Họ và tên", "Chức vụ", "Đảng viên chính thức/dự bị", "Ngày vào Đảng", "Tự nhận mức",
          "Chi ủy đề xuất", "Miễn sinh hoạt", "Ghi chú"]
GOOD = [
    [1, "Nguyễn Văn An", "Bí thư chi bộ", "Chính thức", "19/05/2001", "Hoàn thành xuất sắc nhiệm vụ", "HTTNV", "",
     ""],
    [2, "Trần Thị Bình", "Chi ủy viên", "chinh thuc", "2005-03-02", "Hoàn thành tốt nhiệm vụ", "httnv", "", "x"],
    [3, "Phạm Thu Dung", "Chuyên viên", "Dự bị", "10/02/2026", "HTNV", "Hoàn thành nhiệm vụ", "", ""],
    [4, "Đặng Quốc Hùng", "Chuyên viên", "Chính thức", "15/01/1998", "", "", "x", ""],
]
# Three bad rows, one with two errors; in the file they are rows 5, 7 and 8 (a title,
# a blank row, the header, then a blank row between the good and the bad).
BAD = [
    [5, "Lê Đức Cường", "Chuyên viên", "đảng viên", "10/09/2010", "HTTNV", "HTNV", "", ""],
    [6, "Hoàng Minh Đạt", "Chuyên viên", "Chính thức", "31/02/2012", "Tốt", "HTNV", "", ""],
    [7, "", "Chuyên viên", "Chính thức", "20/11/2012", "HTTNV", "HTNV", "chưa", ""],
]


def _table(rows: list[list]) -> list[list]:
    """Title, blank row, header, the first good rows, a blank row, the rest."""
    return [TITLE, [], HEADER, *rows[:1], [], *rows[1:]]


def _csv(path: Path, table: list[list]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(table)
    return path


def _xlsx(path: Path, table: list[list]) -> Path:
    """The table as a real XLSX: dates as date cells, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    for row in table:
        sheet.append([_as_excel(cell) for cell in row] or [None])
    book.save(path)
    return path


def _as_excel(cell):
    if isinstance(cell, str) and len(cell) == 10 and cell[2] == "/" and cell[:2] != "31":
        return dt.datetime.strptime(cell, "%d/%m/%Y")
    return cell if cell != "" else None


def _new_meeting(host, profile: str = "21-HD-2019") -> str:
    created = host.ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ Phòng Tổng hợp", "title": "Kiểm điểm cuối năm 2026",
        "date": REVIEW_DATE.isoformat(), "profile": profile, "organisation_kind": "chi_bo_truc_thuoc"})
    return created["meeting"]["id"]


def _upload(host, meeting_id: str, path: Path):
    with path.open("rb") as file:
        return host.call("POST", f"/api/host/meetings/{meeting_id}/roster",
                         data={"file": (io.BytesIO(file.read()), path.name)}, content_type="multipart/form-data")


def _stored(server) -> dict[str, list[tuple]]:
    engine = server.services.db.engine
    with engine.connect() as conn:
        return {table: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{table}"'))), key=repr)
                for table in inspect(engine).get_table_names()}


@pytest.mark.parametrize("write", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_every_error_of_every_row_at_once_named_as_the_file_names_them(server, host, tmp_path, write):
    meeting_id = _new_meeting(host)
    host.ok("POST", f"/api/host/meetings/{meeting_id}/roster", json={"members": [
        {"id": "cu", "name": "Ngô Văn Hải", "status": "chinh_thuc", "admitted_on": "2000-01-01"}]})
    before = _stored(server)
    path = write(tmp_path / f"danh-sach.{write.__name__[1:]}", _table(GOOD + BAD))

    answer = _upload(host, meeting_id, path)

    assert answer.status_code == 400, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == "bad_roster"
    assert error["message"].startswith("Danh sách có lỗi, chưa nhập dòng nào: ")
    details = error["details"]
    assert [line.split(":")[0] for line in details] == ["dòng 9", "dòng 10", "dòng 10", "dòng 11", "dòng 11"]
    assert details[0].startswith("dòng 9: Đảng viên chính thức/dự bị: “đảng viên” không phải “Chính thức”")
    assert details[1].startswith("dòng 10: Ngày vào Đảng: “31/02/2012” không phải ngày")
    assert details[2].startswith("dòng 10: Tự nhận mức: “Tốt” không phải mức xếp loại")
    assert details[3] == "dòng 11: Họ và tên: bắt buộc, đang trống"
    assert details[4].startswith("dòng 11: Miễn sinh hoạt: “chưa” không phải “có” hoặc “không”")
    assert all(line in error["message"] for line in details)
    assert "admitted_on" not in error["message"] and "status" not in error["message"]
    assert _stored(server) == before  # the earlier roster stays, nothing else changed


@pytest.mark.parametrize("write", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_a_file_with_vietnamese_headers_and_values_imports(server, host, tmp_path, write):
    meeting_id = _new_meeting(host)
    answer = _upload(host, meeting_id, write(tmp_path / f"ds.{write.__name__[1:]}", _table(GOOD)))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json() == {"imported": 4, "unused_columns": ["Ghi chú"], "notices": ["Cột không dùng: Ghi chú."]}
    members = host.state(meeting_id)["members"]
    assert [(m["id"], m["name"], m["status"], m["self_level"], m["committee_level"]) for m in members] == [
        ("m01", "Nguyễn Văn An", "chinh_thuc", "HTXSNV", "HTTNV"),
        ("m02", "Trần Thị Bình", "chinh_thuc", "HTTNV", "HTTNV"),
        ("m03", "Phạm Thu Dung", "du_bi", "HTNV", "HTNV"),
        ("m04", "Đặng Quốc Hùng", "chinh_thuc", None, None)]
    assert [m["admitted_on"] for m in members] == ["2001-05-19", "2005-03-02", "2026-02-10", "1998-01-15"]
    assert [m["facts"]["exempt"] for m in members] == [False, False, False, True]


def test_headers_without_diacritics_in_capitals_with_spaces_and_hints(host, tmp_path):
    meeting_id = _new_meeting(host)
    header = ["  HO VA TEN ", "loai dang vien", "Ngay  vao  Dang (dd/mm/yyyy)", "TU NHAN MUC", "chi uy de xuat",
              "Tieu chi ket qua thuc hien nhiem vu", "Cac tieu chi con lai"]
    rows = [["Nguyen Van An", "CHINH THUC", "19/05/2001", "hoan thanh tot nhiem vu", "HTTNV", "xuat sac", "tot"],
            ["Pham Thu Dung", "du bi", "2026-02-10", "HTNV", "hoàn thành nhiệm vụ", "trung binh", "Kém"]]
    answer = _upload(host, meeting_id, _csv(tmp_path / "khong-dau.csv", [header, *rows]))
    assert answer.status_code == 201, answer.get_json()
    members = host.state(meeting_id)["members"]
    assert [(m["status"], m["self_level"], m["committee_level"]) for m in members] == [
        ("chinh_thuc", "HTTNV", "HTTNV"), ("du_bi", "HTNV", "HTNV")]
    assert [m["facts"]["criteria"] for m in members] == [{"tasks": "XUAT_SAC", "other": "TOT"},
                                                        {"tasks": "TRUNG_BINH", "other": "KEM"}]


def test_title_rows_above_the_header_and_excel_serial_dates(host, tmp_path):
    """Dates typed into a cell formatted as a number arrive as Excel's serial day numbers."""
    meeting_id = _new_meeting(host)
    table = [["ĐẢNG BỘ PHƯỜNG TÂN ĐỊNH"], ["CHI BỘ KHU PHỐ 3", None, "Năm 2026"], [],
             ["Mã đảng viên", "Họ và tên", "Đảng viên chính thức/dự bị", "Ngày vào Đảng"],
             ["(1)", "(2)", "(3)", "(4)"],
             ["kp3-01", "Nguyễn Văn An", "Chính thức", 37030],
             ["kp3-02", "Trần Thị Bình", "Chính thức", dt.datetime(2005, 3, 2)]]
    answer = _upload(host, meeting_id, _xlsx(tmp_path / "co-tieu-de.xlsx", table))
    assert answer.status_code == 201, answer.get_json()
    members = host.state(meeting_id)["members"]
    assert [(m["id"], m["admitted_on"]) for m in members] == [("kp3-01", "2001-05-19"), ("kp3-02", "2005-03-02")]


def test_a_file_without_the_required_columns_says_which_are_missing(host, tmp_path):
    meeting_id = _new_meeting(host)
    answer = _upload(host, meeting_id, _csv(tmp_path / "thieu.csv", [TITLE, ["STT", "Họ và tên", "Chức vụ"],
                                                                     [1, "Nguyễn Văn An", "Bí thư"]]))
    assert answer.status_code == 400
    message = answer.get_json()["error"]["message"]
    assert "không tìm thấy dòng tiêu đề" in message
    assert "dòng 2 thiếu cột “Đảng viên chính thức/dự bị”, “Ngày vào Đảng”" in message
    assert host.state(meeting_id)["members"] == []


def test_many_errors_are_capped_and_counted(host, tmp_path):
    meeting_id = _new_meeting(host)
    rows = [[f"Đảng viên {i}", "đảng viên", "không rõ"] for i in range(40)]
    answer = _upload(host, meeting_id, _csv(tmp_path / "nhieu-loi.csv",
                                            [["Họ và tên", "Loại đảng viên", "Ngày kết nạp"], *rows]))
    details = answer.get_json()["error"]["details"]
    assert len(details) == 51 and details[-1] == "và 30 lỗi khác"
    assert details[0].startswith("dòng 2: Loại đảng viên: ") and details[1].startswith("dòng 2: Ngày kết nạp: ")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("profile", profile_names())
def test_each_profiles_sample_imports_cleanly_into_a_meeting_of_that_profile(host, profile, kind):
    sample = EXAMPLES / f"roster-sample-{profile}.{kind}"
    served = host.client.get(f"/host/roster-sample/{profile}.{kind}")
    assert served.status_code == 200 and served.get_data() == sample.read_bytes()
    assert f"roster-sample-{profile}.{kind}" in served.headers["Content-Disposition"]

    meeting_id = _new_meeting(host, profile)
    answer = _upload(host, meeting_id, sample)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["notices"] == []
    state = host.state(meeting_id)
    assert state["meeting"]["profile"] == profile
    members = state["members"]
    assert [m["id"] for m in members] == [f"m{i:02d}" for i in range(1, 9)]
    assert [m["status"] for m in members].count("du_bi") == 1
    if profile == "366-2025":
        assert members[0]["facts"]["score"] == {"general": 29, "tasks": 64}
        assert members[4]["facts"]["discipline"] == "khien_trach"
    else:
        assert members[0]["facts"]["criteria"] == {"tasks": "XUAT_SAC", "other": "TOT"}
        assert members[0]["facts"]["civil_servant_level"] == "HTXSNV"


def test_samples_are_what_the_script_writes(tmp_path):
    """examples/roster-sample-* are scripts/make_roster_samples.py's output: regenerate
    them after changing it (python scripts/make_roster_samples.py)."""
    import runpy

    script = runpy.run_path(str(ROOT / "scripts" / "make_roster_samples.py"))
    for written in script["write_samples"](tmp_path):
        committed = EXAMPLES / written.name
        assert written.read_bytes() == committed.read_bytes(), written.name
        if written.suffix == ".xlsx":
            sheet = load_workbook(committed).active
            assert sheet.freeze_panes == "C3"
            assert sheet["E2"].value == "Ngày vào Đảng" and isinstance(sheet["E3"].value, dt.datetime)


def test_the_old_sample_address_leads_to_the_sample_in_force(host):
    answer = host.client.get("/host/roster-sample.csv")
    assert answer.status_code == 302
    in_force = profile_in_force(dt.date.today())
    assert answer.headers["Location"].endswith(f"/host/roster-sample/{in_force}.csv")
    assert host.client.get("/host/roster-sample/07-HD-2011.csv").status_code == 404
