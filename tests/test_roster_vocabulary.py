"""The words of a roster file (ballot/roster_vocabulary.py): headers and values as
offices write them, with or without diacritics, read into the fields and codes the
rules use."""

from __future__ import annotations

import datetime as dt

import pytest

from ballot import roster_vocabulary as words


@pytest.mark.parametrize("header, field", [
    ("Họ và tên", "name"), ("HỌ VÀ TÊN", "name"), ("ho va ten", "name"), ("  Họ  và   tên ", "name"),
    ("Ngày vào Đảng", "admitted_on"), ("NGAY VAO DANG (dd/mm/yyyy)", "admitted_on"), ("Ngày kết nạp", "admitted_on"),
    ("Đảng viên chính thức/dự bị", "status"), ("Loại đảng viên", "status"), ("dang vien chinh thuc / du bi", "status"),
    ("Tự nhận mức", "self_level"), ("Chi ủy đề xuất", "committee_level"), ("Miễn sinh hoạt", "exempt"),
    ("Điểm", "score"), ("Điểm tiêu chí chung", "score_general"), ("Điểm nhiệm vụ", "score_tasks"),
    ("admitted_on", "admitted_on"), ("self_level", "self_level"), ("is_secretary", "is_secretary"),
    ("Ghi chú", None), ("STT", None), (None, None),
])
def test_headers(header, field):
    assert words.field_of_header(header) == field


def test_every_field_has_one_vietnamese_header_and_no_header_names_two_fields():
    assert all(column.header != column.field and not column.header.isascii() for column in words.COLUMNS
               if column.field != "id")
    assert len({words.fold(h) for c in words.COLUMNS for h in (c.field, *c.headers)}) == \
        sum(1 + len(c.headers) for c in words.COLUMNS)


@pytest.mark.parametrize("value, code", [
    ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"), ("hoan thanh tot nhiem vu", "HTTNV"), ("Hoàn thành nhiệm vụ", "HTNV"),
    ("KHÔNG HOÀN THÀNH NHIỆM VỤ", "KHTNV"), ("httnv", "HTTNV"), (" HTXSNV ", "HTXSNV"), ("", None),
])
def test_levels(value, code):
    assert words.level(value) == code


@pytest.mark.parametrize("value, code", [("Chính thức", "chinh_thuc"), ("chinh thuc", "chinh_thuc"),
                                         ("chinh_thuc", "chinh_thuc"), ("Dự bị", "du_bi"), ("DU BI", "du_bi")])
def test_status(value, code):
    assert words.status(value) == code


@pytest.mark.parametrize("value, expected", [("x", True), ("X", True), ("có", True), ("Co", True), (1, True),
                                             (True, True), ("", False), (None, False), ("không", False),
                                             ("khong", False), (0, False)])
def test_yes_no(value, expected):
    assert words.flag(value) is expected


@pytest.mark.parametrize("value", ["19/05/2001", "2001-05-19", "19-05-2001", "19.05.2001", 37030, "37030",
                                   dt.datetime(2001, 5, 19), dt.date(2001, 5, 19), "2001-05-19 00:00:00"])
def test_dates(value):
    assert words.date(value) == dt.date(2001, 5, 19)


@pytest.mark.parametrize("parse, value", [(words.level, "Tốt"), (words.status, "đảng viên"), (words.flag, "chưa"),
                                          (words.date, "31/02/2001"), (words.date, "2001"), (words.date, 37030.5),
                                          (words.grade, "Khá"), (words.number, "bảy")])
def test_refusals_quote_the_value_in_vietnamese(parse, value):
    with pytest.raises(ValueError, match="“") as refused:
        parse(value)
    assert "không phải" in str(refused.value)
