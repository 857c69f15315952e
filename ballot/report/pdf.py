"""The Vietnamese PDF a chi bộ sends up with its bundle (docs/bundle.md; Hướng dẫn 21-HD II.B.2.5):
the counting minutes (biên bản kiểm phiếu) and the proposal list to the đảng ủy,
with signature lines for the chair and the secretary, and on every page the
bundle's hash, so the paper and the file can be matched; a QR code carries the
hash and the signer's fingerprint.

Pure: the signed bundle in, PDF bytes out. Everything printed comes from the
bundle, so the PDF of a verified bundle shows verified figures. The font is
DejaVu Serif Condensed, shipped in `fonts/` with its licence: every Vietnamese
letter has its own glyph, whatever fonts the reader's computer has.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import qrcode
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from ballot.report import bundle as fmt
from ballot.report.canonical import bundle_digest, bundle_hash_text
from ballot.report.names import (
    DENOMINATOR_VI,
    KHTNV_BY_ACCUMULATION_VI,
    ORGANISATION_KIND_VI,
    accumulated_names,
    date_vi,
    level_vi,
    share_vi,
)
from ballot.report.rows import cap_arithmetic_vi, level_totals, proposal_rows, round_rows
from ballot.rules.levels import Level
from ballot.rules.profiles import get_profile
from ballot.rules.scenario import read_share
from ballot.rules.text import threshold_vi

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
LINE = 5.2  # mm per line of body text
HEADING_FILL = (235, 235, 235)


def qr_payload(bundle: dict[str, Any]) -> str:
    """What the QR code carries: enough to find and check the bundle, nothing secret."""
    signer = bundle["signer"]["fingerprint"].replace(" ", "")
    return f"{fmt.FORMAT};sha256={bundle_digest(bundle).hex()};signer={signer}"


def minutes_pdf(bundle: dict[str, Any]) -> bytes:
    pdf = _MinutesPdf(bundle)
    _counting_minutes(pdf, bundle)
    _proposal_list(pdf, bundle)
    _certification(pdf, bundle)
    return bytes(pdf.output())


class _MinutesPdf(FPDF):
    def __init__(self, bundle: dict[str, Any]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = f"Mã băm gói chứng thực (SHA-256): {bundle_hash_text(bundle)}"
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSerifCondensed.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerifCondensed-Bold.ttf"))
        self.set_margins(18, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"Biên bản kiểm phiếu — {bundle['meeting']['title']}")
        self.set_creator(bundle.get("generator", "phieukin"))
        self.set_creation_date(_certified_at(bundle))  # the same bundle, the same file
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=7)
        self.set_text_color(90)
        self.cell(0, 4, self.footer_text, align="L")
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)

    # --- small building blocks ---

    def text_line(self, text: str, size: float = 11, bold: bool = False, align: str = "L") -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, LINE * size / 11, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 22:  # never a heading alone at a page foot
            self.add_page(orientation=self.cur_orientation)
        self.ln(2)
        self.text_line(text, size=11.5, bold=True)
        self.ln(0.5)

    def table(self, *args: Any, **kwargs: Any):  # one look for every table
        kwargs.setdefault("headings_style", FontFace(emphasis="BOLD", fill_color=HEADING_FILL))
        kwargs.setdefault("line_height", 4.6)
        kwargs.setdefault("text_align", "CENTER")
        kwargs.setdefault("width", self.epw)
        return super().table(*args, **kwargs)


# --- the counting minutes (biên bản kiểm phiếu) ------------------------------------


def _counting_minutes(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    pdf.add_page()
    _letterhead(pdf, bundle)
    pdf.text_line("BIÊN BẢN KIỂM PHIẾU", size=15, bold=True, align="C")
    pdf.text_line("Bỏ phiếu kín đánh giá, xếp loại chất lượng đảng viên", size=11.5, align="C")
    pdf.ln(2)
    _general_information(pdf, bundle)
    _attendance(pdf, bundle)
    _rounds_table(pdf, bundle)
    _counts_table(pdf, bundle)
    _organisation_vote(pdf, bundle)
    _signature_lines(
        pdf,
        "Biên bản kết thúc việc kiểm phiếu. Các số liệu trên được lập từ gói "
        "chứng thực có mã băm ghi ở chân trang.",
    )


def _letterhead(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    half = pdf.epw / 2
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(half, LINE, bundle["organisation"]["name"].upper(), align="C")
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.cell(half, LINE, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.set_x(pdf.l_margin + half)
    pdf.cell(half, LINE, _date_line(bundle), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def _date_line(bundle: dict[str, Any]) -> str:
    day, month, year = date_vi(bundle["meeting"]["review_date"]).split("/")
    return f"ngày {day} tháng {month} năm {year}"


def _general_information(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    profile = get_profile(bundle["profile"])
    proposal = bundle["proposal"]
    denominator = bundle["settings"]["denominator"]
    thresholds = _thresholds_text(bundle)
    pdf.text_line(
        f"Cuộc họp: {bundle['meeting']['title']}; ngày xếp loại "
        f"{date_vi(bundle['meeting']['review_date'])}."
    )
    pdf.text_line(
        f"Tổ chức: {bundle['organisation']['name']} "
        f"({ORGANISATION_KIND_VI.get(bundle['organisation']['kind'], '')})."
    )
    pdf.text_line(f"Hồ sơ quy tắc: {profile.name} — {profile.title}.")
    pdf.text_line(
        f"Mẫu số tính tỷ lệ: {proposal['denominator']} "
        f"({DENOMINATOR_VI.get(denominator, denominator)}). {thresholds}"
    )
    accumulation = bundle["settings"].get(
        "khtnv_by_accumulation", profile.default_khtnv_by_accumulation.value
    )
    pdf.text_line(
        "“Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn phiếu các mức: "
        f"{KHTNV_BY_ACCUMULATION_VI[accumulation]}; phiên bản cách đọc quy tắc "
        f"{fmt.rules_version(bundle)}."
    )


def _thresholds_text(bundle: dict[str, Any]) -> str:
    defaults = get_profile(bundle["profile"]).default_thresholds
    given = bundle["settings"].get("thresholds", {})
    parts = []
    for level in fmt.LEVELS[:3]:
        share = given.get(level)
        # As the engine reads it: a number, or an exact fraction "2/3" printed as "2/3"
        # (docs/rules.md, “Đếm phiếu”).
        exact = defaults.for_level(Level(level)) if share is None else read_share(share, level)
        parts.append(f"{level} trên {threshold_vi(exact)}")
    return (
        "Một mức đạt khi số phiếu cho mức đó và các mức cao hơn vượt ngưỡng: "
        + ", ".join(parts)
        + "."
    )


def _attendance(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    attendance = bundle["attendance"]
    names = {m["id"]: m["name"] for m in bundle["roster"]}
    present = set(attendance["present_ids"])
    on_leave = attendance["absent_with_leave_ids"]
    absent = [
        m["id"] for m in bundle["roster"] if m["id"] not in present and m["id"] not in on_leave
    ]
    pdf.heading("1. Tham dự")
    pdf.text_line(
        f"Tổng số đảng viên: {attendance['members']}; có mặt: {attendance['present']}. "
        f"Đảng viên chính thức phải dự: {attendance['full_members_expected']}, có mặt: "
        f"{attendance['full_members_present']} — "
        + ("đủ" if attendance["reached"] else "không đủ")
        + " số lượng để cuộc họp hợp lệ "
        "(quá một nửa)."
    )
    if on_leave:
        pdf.text_line("Vắng có phép: " + ", ".join(names[i] for i in on_leave) + ".")
    if absent:
        pdf.text_line("Vắng mặt: " + ", ".join(names[i] for i in absent) + ".")


def _rounds_table(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    pdf.heading("2. Phiếu phát ra và thu về")
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(col_widths=(13, 36, 15, 22, 22, 70)) as table:
        table.row(
            [
                "Vòng",
                "Nội dung",
                "Số mục",
                "Phiếu phát ra",
                "Phiếu thu về",
                "Dấu vân tay khóa của vòng",
            ]
        )
        for row in round_rows(bundle):
            table.row(
                [
                    str(row["number"]),
                    row["kind"],
                    str(row["questions"]),
                    str(row["issued"]),
                    str(row["cast"]),
                    _short_fingerprint(row["key_fingerprint"]),
                ]
            )
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0,
        4.2,
        "Phiếu phát ra: số đảng viên đã nhận chữ ký mù của vòng (mỗi người một "
        "lần); phiếu thu về: số phiếu có chữ ký hợp lệ đã được ghi nhận.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _counts_table(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    proposal = bundle["proposal"]
    pdf.heading("3. Kết quả kiểm phiếu xếp loại đảng viên")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0,
        4.2,
        f"Mỗi ô: số phiếu (tỷ lệ trên mẫu số {proposal['denominator']}). "
        "Phiếu để trống một đồng chí được tính là không biểu quyết cho đồng chí đó.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1)
    with pdf.table(col_widths=(9, 44, 22, 22, 22, 22, 36)) as table:
        table.row(["STT", "Họ và tên", *fmt.LEVELS, "Mức theo phiếu"])
        for row in proposal_rows(bundle):
            cells = [
                f"{row['votes'][level]} ({share_vi(row['shares'][level])})" for level in fmt.LEVELS
            ]
            voted = row["voted_level"] or (
                "—" if row["status"] in ("absent", "not_classified") else "Chưa xác định"
            )
            table.row([str(row["number"]), row["name"], *cells, voted])


def _organisation_vote(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    vote = bundle.get("organisation_vote")
    if not vote:
        return
    pdf.heading("4. Kết quả bỏ phiếu xếp loại chi bộ")
    counts = ", ".join(f"{level}: {vote['votes'].get(level, 0)}" for level in fmt.LEVELS)
    pdf.text_line(
        f"Số phiếu thu về: {vote['ballots']}; {counts}. Mức theo phiếu: "
        f"{level_vi(vote['voted_level'])}."
    )


# --- the proposal list to the đảng ủy ------------------------------------------------


def _proposal_list(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    pdf.add_page(orientation="L")
    pdf.text_line(bundle["organisation"]["name"].upper(), size=10.5, bold=True)
    pdf.text_line("DANH SÁCH ĐỀ NGHỊ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN", size=14, bold=True, align="C")
    pdf.text_line(
        f"(kèm theo biên bản kiểm phiếu {_date_line(bundle)}; gửi đảng ủy cấp trên)",
        size=10,
        align="C",
    )
    pdf.ln(2)
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(
        col_widths=(8, 36, 26, 15, 17, 17, 17, 21, 104),
        text_align=(
            "CENTER",
            "LEFT",
            "LEFT",
            "CENTER",
            "CENTER",
            "CENTER",
            "CENTER",
            "CENTER",
            "LEFT",
        ),
        line_height=4.0,
    ) as table:
        table.row(
            [
                "STT",
                "Họ và tên",
                "Chức vụ",
                "Đảng viên",
                "Tự nhận",
                "Chi ủy đề xuất",
                "Theo phiếu",
                "Đề xuất",
                "Lý do",
            ]
        )
        for row in proposal_rows(bundle):
            proposed = row["level"] or row["outcome_vi"]
            reasons = "\n".join(f"[{r['section']}] {r['message']}" for r in row["reasons"])
            table.row(
                [
                    str(row["number"]),
                    row["name"],
                    row["role"],
                    row["membership"],
                    row["self_level"] or "—",
                    row["committee_level"] or "—",
                    row["voted_level"] or "—",
                    proposed,
                    reasons,
                ]
            )
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(
        0,
        4,
        "HTXSNV: "
        + level_vi("HTXSNV")
        + "; HTTNV: "
        + level_vi("HTTNV")
        + "; HTNV: "
        + level_vi("HTNV")
        + "; KHTNV: "
        + level_vi("KHTNV")
        + ".",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    _totals(pdf, bundle)
    _cap(pdf, bundle)
    _organisation_level(pdf, bundle)
    _signature_lines(pdf, "")


def _totals(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    classified = bundle["proposal"]["totals"]["classified"]
    pdf.heading(f"Tổng hợp: {classified} đảng viên được xếp loại")
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(
        col_widths=(70, 25, 25), width=120, align="LEFT", text_align=("LEFT", "CENTER", "CENTER")
    ) as table:
        table.row(["Mức xếp loại", "Số lượng", "Tỷ lệ"])
        for total in level_totals(bundle):
            table.row(
                [f"{total['name']} ({total['level']})", str(total["count"]), total["percent"]]
            )
    pending = [row for row in proposal_rows(bundle) if row["status"] != "classified"]
    if pending:
        pdf.set_font(FONT, "", 9.5)
        pdf.multi_cell(
            0,
            4.6,
            "Chưa xếp loại: "
            + "; ".join(f"{row['name']} ({row['outcome_vi'].lower()})" for row in pending)
            + ".",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    accumulated = accumulated_names(bundle)
    if accumulated:
        pdf.text_line(
            "“Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn phiếu các mức (chi bộ xem xét kỹ): "
            + "; ".join(accumulated)
            + ".",
            size=9.5,
            bold=True,
        )


def _cap(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    pdf.heading("Giới hạn số đảng viên hoàn thành xuất sắc nhiệm vụ")
    pdf.text_line(cap_arithmetic_vi(bundle), size=10)


def _organisation_level(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    organisation = bundle["proposal"]["organisation"]
    pdf.heading("Xếp loại chi bộ")
    pdf.text_line(
        "Mức cao nhất chi bộ có thể đạt theo kết quả xếp loại đảng viên: "
        f"{level_vi(organisation['max_level'])}.",
        size=10,
    )
    for reason in organisation["reasons"]:
        pdf.text_line(f"[{reason['section']}] {reason['message']}", size=9)
    vote = bundle.get("organisation_vote")
    if vote:
        pdf.text_line(
            f"Chi bộ bỏ phiếu: {level_vi(vote['voted_level'])}. Mức xếp loại của chi bộ: "
            f"{level_vi(vote['level'])}.",
            size=10,
            bold=True,
        )
        for reason in vote["reasons"]:
            pdf.text_line(f"[{reason['section']}] {reason['message']}", size=9)
    else:
        pdf.text_line("Chi bộ chưa bỏ phiếu xếp loại chính mình trong cuộc họp này.", size=10)


# --- signatures and certification ---------------------------------------------------


def _signature_lines(pdf: _MinutesPdf, closing: str) -> None:
    if closing:
        pdf.ln(2)
        pdf.text_line(closing, size=10)
    if pdf.get_y() > pdf.page_break_trigger - 38:
        pdf.add_page(orientation=pdf.cur_orientation)
    pdf.ln(5)
    half = pdf.epw / 2
    top = pdf.get_y()
    for column, title in enumerate(("THƯ KÝ", "CHỦ TỌA")):
        pdf.set_xy(pdf.l_margin + column * half, top)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(half, LINE, title, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9.5)
        pdf.cell(half, LINE, "(ký, ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(top + 32)


def _certification(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    if pdf.get_y() > pdf.page_break_trigger - 55:
        pdf.add_page(orientation="L")
    pdf.heading("Chứng thực điện tử")
    top = pdf.get_y()
    qr_size = 38
    pdf.image(
        qrcode.make(qr_payload(bundle), border=2).get_image(),
        x=pdf.l_margin,
        y=top,
        w=qr_size,
        h=qr_size,
    )
    pdf.set_xy(pdf.l_margin + qr_size + 5, top)
    lines = [
        f"Gói chứng thực {fmt.FORMAT}, lập lúc {_certified_at_vi(bundle)} "
        f"bởi tài khoản chủ tọa “{bundle['meeting'].get('certified_by', '')}”.",
        f"Mã băm của gói (SHA-256): {bundle_hash_text(bundle)}",
        f"Dấu vân tay khóa ký của chi bộ (Ed25519): {bundle['signer']['fingerprint']}",
        "Đảng ủy kiểm tra gói bằng trang “Kiểm tra gói chứng thực” của phần mềm, hoặc lệnh: "
        'ballot verify <tệp gói> --fingerprint "<dấu vân tay đã đăng ký>".',
    ]
    pdf.set_font(FONT, "", 9.5)
    for line in lines:
        pdf.set_x(pdf.l_margin + qr_size + 5)
        pdf.multi_cell(pdf.epw - qr_size - 5, 4.8, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), top + qr_size) + 2)


def _short_fingerprint(text: str) -> str:
    groups = text.split()
    return " ".join(groups[:8]) + " …" if len(groups) > 8 else text


def _certified_at_vi(bundle: dict[str, Any]) -> str:
    moment = _certified_at(bundle)
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y} (giờ UTC)"


def _certified_at(bundle: dict[str, Any]) -> dt.datetime:
    text = bundle["meeting"].get("certified_at", "")
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
