"""`ballot committee init | register | import | report | decide | certify | add-clerk`: the đảng ủy's
workspace from the command line (docs/committee-bundle.md, “The workspace”).

Exit codes: 0 done; 1 a bundle refused (import) or nothing to do; 2 a refusal of the
command itself (bad input, no workspace), with a Vietnamese message on stderr.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from ballot.config import Settings
from ballot.services.committee import CommitteeWorkspace
from ballot.services.errors import ServiceError
from ballot.vocabulary import LEVEL_CODES

EXIT_OK, EXIT_REFUSED_FILE, EXIT_REFUSED = 0, 1, 2


def run_committee(args: Any, settings: Settings) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    workspace = CommitteeWorkspace(settings)
    try:
        return COMMANDS[args.committee_command](workspace, args)
    except ServiceError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        workspace.close()


def _init(ws: CommitteeWorkspace, args: Any) -> int:
    key = ws.init(args.name, args.profile, args.cap_percent)
    print(f"Đã tạo không gian làm việc của đảng ủy “{args.name}” (hồ sơ {args.profile}) trong "
          f"{ws.settings.data_dir}.\nCreated the committee workspace.")
    if key.created:
        print(f"Đã tạo khóa ký Ed25519 của đảng ủy trong {key.directory}; hãy sao lưu thư mục này.")
    print(f"Dấu vân tay khóa của đảng ủy / committee key fingerprint: {key.fingerprint}")
    return EXIT_OK


def _register(ws: CommitteeWorkspace, args: Any) -> int:
    done = ws.register(args.branch, args.fingerprint, args.kind, args.confirmation or "")
    state = "Đã đăng ký" if done["new"] else "Đã có từ trước"
    print(f"{state}: “{done['branch']}”, khóa {done['fingerprint']}.")
    return EXIT_OK


def bundle_files(paths: list[str]) -> list[Path]:
    """The files named, and the .json files of the folders named, in order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found += sorted(p for p in path.glob("*.json") if p.is_file()) if path.is_dir() else [path]
    return found


def _import(ws: CommitteeWorkspace, args: Any) -> int:
    files = bundle_files(args.files)
    if not files:
        print("Không có tệp gói nào. / No bundle file given.", file=sys.stderr)
        return EXIT_REFUSED_FILE
    ws.committee()
    refused = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"✗ {path}: không đọc được tệp ({exc.strerror}).")
            refused += 1
            continue
        result = ws.import_file(str(path), data)
        if result.accepted:
            print(f"✓ {path}: {result.message}")
        else:
            refused += 1
            print(f"✗ {path}: TỪ CHỐI — {result.message}")
            if result.check in ("organisation", "signer") and result.unregistered_fingerprint:
                print(f"  Đăng ký (sau khi đối chiếu): ballot committee register --data {args.data} "
                      f"--branch \"{result.branch}\" --fingerprint \"{result.unregistered_fingerprint}\"")
    accepted = len(files) - refused
    print(f"Đã nhận {accepted}/{len(files)} gói; từ chối {refused}.")
    return EXIT_OK if refused == 0 else EXIT_REFUSED_FILE


def _report(ws: CommitteeWorkspace, args: Any) -> int:
    report = ws.report()
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render_table(report))
    return EXIT_OK


def _decide(ws: CommitteeWorkspace, args: Any) -> int:
    if (args.member is None) == (args.branch is None):
        print("Lỗi: cần đúng một trong --member CHI_BỘ:MÃ hoặc --branch TÊN.", file=sys.stderr)
        return EXIT_REFUSED
    if args.member is not None:
        branch, sep, member_id = args.member.rpartition(":")
        if not sep or not branch or not member_id:
            print("Lỗi: --member phải có dạng CHI_BỘ:MÃ (ví dụ “Chi bộ 1:m01”).", file=sys.stderr)
            return EXIT_REFUSED
    else:
        branch, member_id = args.branch, None
    done = ws.decide(branch, member_id, args.level, args.reason or "")
    print(f"Đã ghi quyết định của đảng ủy: {done['target']} — {done['level']} "
          f"(đề xuất: {done['proposed'] or 'chưa có mức'}).")
    return EXIT_OK


def _certify(ws: CommitteeWorkspace, args: Any) -> int:
    on = dt.date.fromisoformat(args.date) if args.date else None
    done = ws.certify(args.resolution, Path(args.out), on)
    print(f"Đã ký gói của đảng ủy: {done['file']} (mã băm {done['sha256']}).")
    print(f"Các gói của chi bộ ({done['bundles']}) ở {done['folder']}: kiểm tra bằng "
          f"“ballot verify {done['file']} --with {done['folder']}”.")
    print(f"Danh sách kèm quyết định và báo cáo thống kê: {done['documents']['pdf']} "
          f"và {done['documents']['xlsx']}.")
    return EXIT_OK


def _add_clerk(ws: CommitteeWorkspace, args: Any) -> int:
    """The password from PHIEUKIN_CLERK_PASSWORD (as `ballot serve --create-host` takes
    PHIEUKIN_HOST_PASSWORD), else asked twice without echo."""
    ws.committee()
    password = os.environ.get("PHIEUKIN_CLERK_PASSWORD")
    if password is None:
        try:
            password = getpass.getpass("Mật khẩu / password: ")
            again = getpass.getpass("Nhập lại mật khẩu / again: ")
        except (EOFError, KeyboardInterrupt):
            print("\nLỗi: chưa nhập mật khẩu.", file=sys.stderr)
            return EXIT_REFUSED
        if password != again:
            print("Lỗi: hai lần nhập mật khẩu không khớp.", file=sys.stderr)
            return EXIT_REFUSED
    username = ws.add_clerk(args.username, password)
    print(f"Đã tạo tài khoản văn phòng đảng ủy “{username}”; đăng nhập ở /committee trên máy chủ "
          "chạy bằng “ballot serve --data” thư mục này. / Clerk account created.")
    return EXIT_OK


COMMANDS = {
    "add-clerk": _add_clerk,
    "init": _init,
    "register": _register,
    "import": _import,
    "report": _report,
    "decide": _decide,
    "certify": _certify,
}

LEVEL_SHORT = {**{code: code for code in LEVEL_CODES}, None: "—"}
STATUS_VI = {
    "classified": "đã xếp loại",
    "not_classified": "không xếp loại",
    "absent": "vắng mặt",
    "undetermined": "chưa xác định",
    "tie": "bằng phiếu — đảng ủy quyết định",
    "deferred": "xếp loại sau",
    "conflict": "có trong hai gói — đảng ủy xem xét",
}


def render_table(report: dict[str, Any]) -> str:
    """The đảng bộ's proposal as a Vietnamese table."""
    cap, org = report["cap"], report["organisations_cap"]
    lines = [f"ĐẢNG ỦY: {report['committee']} — hồ sơ {report['profile']}", ""]
    lines.append("Chi bộ | Số đảng viên | Chi bộ đề xuất | Mức")
    for b in report["branches"]:
        lines.append(f"{b['name']} | {b['members']} | {LEVEL_SHORT[b['proposed_level']]} | "
                     f"{LEVEL_SHORT[b['level']]}{' (đảng ủy quyết định)' if b['decided'] else ''}")
    lines += ["", "Chi bộ | Mã | Họ và tên | Tình trạng | Đề xuất | Mức"]
    for m in report["members"]:
        lines.append(f"{m['branch']} | {m['id']} | {m['name']} | {STATUS_VI.get(m['status'], m['status'])} | "
                     f"{LEVEL_SHORT[m['proposed_level']]} | {LEVEL_SHORT[m['level']]}"
                     f"{' (đảng ủy quyết định)' if m['decided'] else ''}")
    lines += ["", f"Giới hạn 20% trên toàn đảng bộ (II.B.2.3.a, II.B.6): k = {cap['candidates']}, "
              f"h = {cap['good']}, được giữ tối đa {cap['max_excellent']}"
              + (f"; bằng phiếu: {', '.join(cap['tied'])}" if cap["tied"] else "")]
    lines.append(f"Giới hạn 20% số tổ chức đảng (II.B.1.3): k = {org['candidates']}, "
                 f"h = {org['good']}, được giữ tối đa {org['max_excellent']}"
                 + (f"; bằng phiếu: {', '.join(org['tied'])}" if org["tied"] else ""))
    for c in report["conflicts"]:
        lines.append(f"Xung đột: {c['branch']}:{c['id']} có trong các gói {', '.join(c['bundles'])}")
    t = report["totals"]
    lines.append(f"Tổng: HTXSNV {t['HTXSNV']}, HTTNV {t['HTTNV']}, HTNV {t['HTNV']}, "
                 f"KHTNV {t['KHTNV']}; đã xếp loại {t['classified']}, không xếp loại "
                 f"{t['not_classified']}, vắng mặt {t['absent']}.")
    return "\n".join(lines)
