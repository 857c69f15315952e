"""The Vietnamese PDF a chi bộ sends up with its bundle (docs/bundle.md; Hướng dẫn 21-HD II.B.2.5):
the counting minutes (biên bản kiểm phiếu) and the proposal list to the đảng ủy,
each ending with its signatures on the same page as the text they sign, and a last
page, “Thông tin kiểm tra”, with the bundle's hash, the signer's fingerprint, a QR
code of both and how to check the file. Every page's foot carries the hash, so the
paper and the file can be matched.

The body is written as an office files it: times in the meeting's own time zone as
officials write them ("04 giờ 45, ngày 02 tháng 12 năm 2026"), the rules and the
reasons in words, no command, format name, account or data field.

Pure: the signed bundle in, PDF bytes out. Everything printed comes from the
bundle, so the PDF of a verified bundle shows verified figures. The font is
DejaVu Serif Condensed, shipped in `fonts/` with its licence: every Vietnamese
letter has its own glyph, whatever fonts the reader's computer has.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

import qrcode
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from ballot.report import bundle as fmt
from ballot.report.canonical import bundle_digest, bundle_hash_text
from ballot.report.names import (
    DENOMINATOR_VI,
    KHTNV_BY_ACCUMULATION_VI,
    LEVEL_NAMES_VI,
    ORGANISATION_KIND_VI,
    accumulated_names,
    day_vi,
    level_vi,
    meeting_times,
    moment_vi,
    share_vi,
)
from ballot.report.rows import (
    cap_words_vi,
    committee_fingerprints_vi,
    encryption_lines_vi,
    level_totals,
    proposal_rows,
    reason_vi,
    round_rows,
)
from ballot.rules.levels import Level
from ballot.rules.profiles import get_profile
from ballot.rules.scenario import read_share
from ballot.rules.text import threshold_vi

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
LINE = 4.9  # mm per line of body text
HEADING_FILL = (235, 235, 235)


def qr_payload(bundle: dict[str, Any]) -> str:
    """What the QR code carries: enough to find and check the bundle, nothing secret."""
    signer = bundle["signer"]["fingerprint"].replace(" ", "")
    return f"{bundle.get('format', fmt.FORMAT)};sha256={bundle_digest(bundle).hex()};signer={signer}"


def minutes_pdf(bundle: dict[str, Any]) -> bytes:
    pdf = _MinutesPdf(bundle)
    _counting_minutes(pdf, bundle)
    _proposal_list(pdf, bundle)
    _verification_page(pdf, bundle)
    return bytes(pdf.output())


class HashedPdf(FPDF):
    """An A4 document in the shipped font with, at the foot of every page, the hash of
    the bundle it was made from and the page number (the minutes, the đảng ủy's list)."""

    FOOTER_Y = -13  # mm from the page's foot

    def __init__(self, orientation: str, footer_text: str, title: str, creator: str) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSerifCondensed.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerifCondensed-Bold.ttf"))
        self.set_title(title)
        self.set_creator(creator)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(self.FOOTER_Y)
        self.set_font(FONT, size=7)
        self.set_text_color(90)
        self.cell(0, 4, self.footer_text, align="L")
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


class _MinutesPdf(HashedPdf):
    def __init__(self, bundle: dict[str, Any]) -> None:
        super().__init__("P", f"Mã băm gói chứng thực (SHA-256): {bundle_hash_text(bundle)}",
                         f"Biên bản kiểm phiếu — {bundle['meeting']['title']}",
                         bundle.get("generator", "phieukin"))
        self.set_margins(18, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_creation_date(_certified_at(bundle))  # the same bundle, the same file

    # --- small building blocks ---

    def text_line(
        self, text: str, size: float = 10.5, bold: bool = False, align: str = "L"
    ) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, LINE * size / 10.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def keep_together(self, draw: Callable[[FPDF], None]) -> None:
        """Draw on this page if it all fits, else all of it on the next: a closing
        paragraph and the signatures under it are never split across pages."""
        with self.offset_rendering() as trial:
            draw(trial)
        if trial.page_break_triggered:
            self.add_page(orientation=self.cur_orientation)
        draw(self)

    def heading(self, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 22:  # never a heading alone at a page foot
            self.add_page(orientation=self.cur_orientation)
        self.ln(1.5)
        self.text_line(text, size=11, bold=True)
        self.ln(0.3)

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
    pdf.text_line(
        "Bỏ phiếu kín đánh giá, xếp loại chất lượng đảng viên và tổ chức đảng "
        f"năm {bundle['meeting']['review_date'][:4]}",
        size=11.5,
        align="C",
    )
    pdf.ln(2)
    _general_information(pdf, bundle)
    _attendance(pdf, bundle)
    _rounds_table(pdf, bundle)
    _counts_table(pdf, bundle)
    _, ended = meeting_times(bundle)
    closing = (
        f"Việc kiểm phiếu kết thúc hồi {moment_vi(ended)}. Biên bản được lập từ gói chứng "
        "thực có mã băm ghi ở chân mỗi trang (xem trang “Thông tin kiểm tra”)."
    )
    committee = bundle["meeting"].get("counting_committee") or []
    signers = [
        ("THƯ KÝ", ""),
        ("TRƯỞNG BAN KIỂM PHIẾU", committee[0] if committee else ""),
        ("CHỦ TỌA", ""),
    ]

    def last_part(target: FPDF) -> None:  # the chi bộ's own vote, the closing, the signatures
        _organisation_vote(target, bundle)
        _signatures(target, closing, signers)

    pdf.keep_together(last_part)


def _letterhead(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    half = pdf.epw / 2
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(half, LINE, bundle["organisation"]["name"].upper() + "\n*", align="C")
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.cell(half, LINE, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.set_x(pdf.l_margin + half)
    pdf.cell(half, LINE, _date_line(bundle), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(bottom, pdf.get_y()))
    pdf.ln(3)


def _date_line(bundle: dict[str, Any]) -> str:
    """The minutes' date: the day the meeting ended (was certified), in its own time
    zone; the review date for a bundle whose time cannot be read."""
    _, ended = meeting_times(bundle)
    if ended is not None:
        return day_vi(ended.date())
    return day_vi(dt.date.fromisoformat(bundle["meeting"]["review_date"][:10]))


def _general_information(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    meeting = bundle["meeting"]
    organisation = bundle["organisation"]
    started, ended = meeting_times(bundle)
    place = meeting.get("place") or "………………………………………………"
    pdf.text_line(
        f"Hôm nay, hồi {moment_vi(started)}, tại {place}, {organisation['name']} "
        f"({ORGANISATION_KIND_VI.get(organisation['kind'], '')}) họp “{meeting['title']}”, "
        "đánh giá, xếp loại chất lượng đảng viên bằng phiếu kín. Thời gian bắt đầu: "
        f"{moment_vi(started)}; kết thúc: {moment_vi(ended)}."
    )
    committee = meeting.get("counting_committee") or []
    if committee:
        members = [f"đồng chí {committee[0]} (trưởng ban)", *(f"đồng chí {n}" for n in committee[1:])]
        pdf.text_line("Ban kiểm phiếu gồm: " + ", ".join(members) + ".")
    else:
        pdf.text_line("Ban kiểm phiếu gồm: đồng chí ………………………… (trưởng ban), đồng chí "
                      "…………………………, đồng chí ………………………….")
    for line in encryption_lines_vi(bundle):  # format 2 (docs/bundle.md, “Format 2”)
        pdf.text_line(line)
    profile = get_profile(bundle["profile"])
    proposal = bundle["proposal"]
    denominator = bundle["settings"]["denominator"]
    pdf.text_line(f"Căn cứ: {profile.title}.")
    pdf.text_line(
        f"Tỷ lệ phiếu được tính trên {proposal['denominator']} "
        f"{DENOMINATOR_VI.get(denominator, 'đảng viên')}. {_thresholds_text(bundle)}"
    )
    accumulation = bundle["settings"].get(
        "khtnv_by_accumulation", profile.default_khtnv_by_accumulation.value
    )
    pdf.text_line(
        "Chỉ đạt “Không hoàn thành nhiệm vụ” do cộng dồn phiếu các mức: "
        f"{KHTNV_BY_ACCUMULATION_VI[accumulation]}."
    )


def _thresholds_text(bundle: dict[str, Any]) -> str:
    defaults = get_profile(bundle["profile"]).default_thresholds
    given = bundle["settings"].get("thresholds", {})
    shares = []
    for level in fmt.LEVELS[:3]:
        share = given.get(level)
        # As the engine reads it: a number, or an exact fraction "2/3" printed as "2/3"
        # (docs/rules.md, “Đếm phiếu”).
        exact = defaults.for_level(Level(level)) if share is None else read_share(share, level)
        shares.append((level, threshold_vi(exact)))
    if len({share for _, share in shares}) == 1:
        return (
            "Đảng viên đạt một mức khi số phiếu cho mức đó và các mức cao hơn "
            f"đạt trên {shares[0][1]}."
        )
    return (
        "Đảng viên đạt một mức khi số phiếu cho mức đó và các mức cao hơn vượt: "
        + ", ".join(f"“{LEVEL_NAMES_VI[level]}” trên {share}" for level, share in shares)
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
        + " số lượng để cuộc họp hợp lệ (quá một nửa)."
    )
    if on_leave:
        pdf.text_line("Vắng có phép: " + ", ".join(names[i] for i in on_leave) + ".")
    if absent:
        pdf.text_line("Vắng mặt: " + ", ".join(names[i] for i in absent) + ".")


def _rounds_table(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    pdf.heading("2. Số phiếu từng vòng bỏ phiếu")
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(col_widths=(12, 44, 24, 24, 24, 24)) as table:
        table.row(
            ["Vòng", "Nội dung", "Số phiếu phát ra", "Số phiếu thu về", "Phiếu hợp lệ",
             "Phiếu không hợp lệ"]
        )
        for row in round_rows(bundle):
            table.row(
                [
                    str(row["number"]),
                    row["kind"],
                    str(row["issued"]),
                    str(row["cast"]),
                    str(row["valid"]),
                    str(row["invalid"]),
                ]
            )
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0,
        4.2,
        "Số phiếu phát ra: số đảng viên đã nhận phiếu của vòng, mỗi đồng chí một phiếu. "
        "Phiếu hợp lệ: phiếu đúng vòng, đúng mẫu; phiếu sai chữ ký xác nhận không được nhận.",
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
        f"Mỗi ô: số phiếu (tỷ lệ trên {proposal['denominator']}). Phiếu để trống một đồng chí "
        "được tính là không biểu quyết cho đồng chí đó. " + _LEVEL_LEGEND,
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


_LEVEL_LEGEND = (
    "HTXSNV: " + level_vi("HTXSNV") + "; HTTNV: " + level_vi("HTTNV") + "; HTNV: "
    + level_vi("HTNV") + "; KHTNV: " + level_vi("KHTNV") + "."
)


def _organisation_vote(pdf: FPDF, bundle: dict[str, Any]) -> None:
    vote = bundle.get("organisation_vote")
    if not vote:
        return
    pdf.heading("4. Kết quả bỏ phiếu xếp loại chi bộ")
    counts = ", ".join(f"{level}: {vote['votes'].get(level, 0)}" for level in fmt.LEVELS)
    pdf.text_line(
        f"Số phiếu thu về: {vote['ballots']} ({counts}). Mức theo kết quả bỏ phiếu: "
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
                    "\n".join(reason_vi(r) for r in row["reasons"]),
                ]
            )
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(0, 4, _LEVEL_LEGEND, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _totals(pdf, bundle)
    _cap(pdf, bundle)
    closing = (
        "Danh sách này kèm theo biên bản kiểm phiếu, lập từ cùng gói chứng thực có mã băm "
        "ghi ở chân trang."
    )

    def last_part(target: FPDF) -> None:  # the chi bộ's level, the closing, the signatures
        _organisation_level(target, bundle)
        _signatures(target, closing, [("THƯ KÝ", ""), ("CHỦ TỌA", "")])

    pdf.keep_together(last_part)


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
    pdf.text_line(cap_words_vi(bundle), size=10)


def _organisation_level(pdf: FPDF, bundle: dict[str, Any]) -> None:
    organisation = bundle["proposal"]["organisation"]
    pdf.heading("Xếp loại chi bộ")
    pdf.text_line(
        "Mức cao nhất chi bộ có thể đạt theo kết quả xếp loại đảng viên: "
        f"{level_vi(organisation['max_level'])}.",
        size=10,
    )
    for reason in organisation["reasons"]:
        pdf.text_line(reason_vi(reason), size=9)
    vote = bundle.get("organisation_vote")
    if vote:
        pdf.text_line(
            f"Chi bộ bỏ phiếu: {level_vi(vote['voted_level'])}. Mức xếp loại của chi bộ: "
            f"{level_vi(vote['level'])}.",
            size=10,
            bold=True,
        )
        for reason in vote["reasons"]:
            pdf.text_line(reason_vi(reason), size=9)
    else:
        pdf.text_line("Chi bộ chưa bỏ phiếu xếp loại chính mình trong cuộc họp này.", size=10)


# --- signatures and the verification page -------------------------------------------


SIGNATURE_SPACE = 18  # mm left blank to sign in


def _signatures(pdf: FPDF, closing: str, signers: list[tuple[str, str]]) -> None:
    """The closing paragraph, then one column per signer: the title, "(ký, ghi rõ họ
    tên)", space to sign and the name when it is known."""
    pdf.ln(1.5)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, LINE * 10 / 10.5, closing, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    width = pdf.epw / len(signers)
    top = pdf.get_y()
    for column, (title, name) in enumerate(signers):
        pdf.set_xy(pdf.l_margin + column * width, top)
        pdf.set_font(FONT, "B", 10.5)
        pdf.multi_cell(width, LINE, title, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9.5)
        pdf.cell(width, LINE, "(ký, ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        if name:
            pdf.set_y(pdf.get_y() + SIGNATURE_SPACE)
            pdf.set_x(pdf.l_margin + column * width)
            pdf.set_font(FONT, "B", 10.5)
            pdf.cell(width, LINE, name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(top + 2 * LINE + SIGNATURE_SPACE + LINE + 1)


def _verification_page(pdf: _MinutesPdf, bundle: dict[str, Any]) -> None:
    """The last page, for whoever checks the file against the paper: the hash, the
    signer, each round's key, and how to check, in plain words."""
    pdf.add_page(orientation="P")
    pdf.text_line("THÔNG TIN KIỂM TRA", size=14, bold=True, align="C")
    pdf.text_line("(dành cho đảng ủy khi đối chiếu biên bản giấy với tệp gói chứng thực)",
                  size=10, align="C")
    pdf.ln(4)
    _, ended = meeting_times(bundle)
    top = pdf.get_y()
    qr_size = 42
    pdf.image(
        qrcode.make(qr_payload(bundle), border=2).get_image(),
        x=pdf.l_margin,
        y=top,
        w=qr_size,
        h=qr_size,
    )
    left = pdf.l_margin + qr_size + 5
    pdf.set_xy(left, top + 4)
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(
        pdf.epw - qr_size - 5,
        5.2,
        "Biên bản này được in từ gói chứng thực của cuộc họp — tệp dữ liệu có chữ ký điện "
        f"tử của chi bộ, lập hồi {moment_vi(ended)}. Mã QR bên cạnh chứa mã băm của gói và "
        "dấu vân tay khóa ký của chi bộ ghi dưới đây.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_y(max(pdf.get_y(), top + qr_size) + 3)
    for label, value in (
        ("Mã băm của gói (SHA-256):", bundle_hash_text(bundle)),
        ("Dấu vân tay khóa ký của chi bộ:", bundle["signer"]["fingerprint"]),
        *(("Mã ban kiểm phiếu (đã đọc to khi họp):", short) for short in committee_fingerprints_vi(bundle)),
    ):
        pdf.text_line(label, size=10, bold=True)
        pdf.text_line(value, size=9.5)
        pdf.ln(1)
    pdf.heading("Cách kiểm tra")
    for number, step in enumerate(
        (
            "Mở trang kiểm tra gói chứng thực của phần mềm Phiếu kín (trang /verify trên "
            "máy chủ của đảng ủy hoặc của chi bộ).",
            "Kéo thả tệp gói chứng thực chi bộ gửi lên vào trang (hoặc bấm để chọn tệp), "
            "và ghi dấu vân tay khóa ký chi bộ đã đăng ký với đảng ủy.",
            "Trang báo kết quả từng bước kiểm tra. Gói đúng khi mọi bước đều đạt, dấu vân "
            "tay trùng với dấu vân tay đã đăng ký, và mã băm trang báo trùng với mã băm in ở "
            "chân mỗi trang của biên bản này.",
            "Nếu một bước không đạt, hoặc mã băm khác, biên bản này không khớp với tệp: "
            "đề nghị chi bộ gửi lại.",
        ),
        start=1,
    ):
        pdf.text_line(f"{number}. {step}", size=10)
    pdf.heading("Khóa của từng vòng bỏ phiếu")
    pdf.text_line(
        "Mỗi vòng có một khóa riêng để xác nhận phiếu; trang kiểm tra đối chiếu từng phiếu "
        "với khóa của vòng.",
        size=9.5,
    )
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=(11, 34, 130), text_align=("CENTER", "LEFT", "LEFT")) as table:
        table.row(["Vòng", "Nội dung", "Dấu vân tay khóa của vòng"])
        for row in round_rows(bundle):
            table.row([str(row["number"]), row["kind"], row["key_fingerprint"]])
    pdf.ln(2)
    pdf.text_line(
        f"Cách đọc quy tắc: phiên bản {fmt.rules_version(bundle)} của "
        f"{get_profile(bundle['profile']).title}.",
        size=9,
    )


def _certified_at(bundle: dict[str, Any]) -> dt.datetime:
    text = bundle["meeting"].get("certified_at", "")
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
