"""The `ballot` command: one entry point, one sub-command per use case.

Each sub-command parses its arguments here and hands the work to the package;
the rules and crypto never print or exit. Each handler imports its command's module
itself, so that `ballot classify` and `ballot verify` start without loading Flask,
SQLAlchemy or the server.
"""

from __future__ import annotations

import argparse
import sys


def _add_classify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "classify",
        help="Xếp loại theo kịch bản JSON / classify a scenario JSON file",
    )
    p.add_argument("scenario", help="đường dẫn tệp kịch bản (UTF-8 JSON)")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.set_defaults(handler=_run_classify)


def _run_classify(args: argparse.Namespace) -> int:
    from ballot.rules.cli import run_classify

    return run_classify(args.scenario, args.format)


DEFAULT_DATA = "instance"


def _add_keys(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keys", help="Khóa chứng thực của chi bộ / certification keys")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    for name, text in (("init", "tạo cặp khóa Ed25519 / create the key pair"),
                       ("show", "in khóa công khai / print the public key")):
        command = keys_sub.add_parser(name, help=text)
        command.add_argument("--data", default=DEFAULT_DATA,
                             help="thư mục dữ liệu; khóa nằm trong <data>/keys (mặc định: instance/)")
        command.add_argument("--dir", default=None, help="thư mục khóa, nếu không phải <data>/keys")
    p.set_defaults(handler=_run_keys)


def _run_keys(args: argparse.Namespace) -> int:
    from ballot.keys_cli import run_keys

    settings = _settings(args.data, keys_dir=args.dir)
    return 2 if settings is None else run_keys(args.keys_command, settings)


def _settings(data: str, **overrides):
    """The installation's settings, or None after saying why they cannot be used."""
    from ballot.config import SettingsError, load_settings

    try:
        return load_settings(data, **overrides)
    except SettingsError as exc:
        print(f"Lỗi thiết lập: {exc}", file=sys.stderr)
        return None


def _add_verify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="Kiểm tra gói chứng thực của chi bộ / verify a certified bundle",
    )
    p.add_argument("bundle", help="tệp gói chứng thực (.json)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--key", metavar="PUBLIC_KEY",
                     help="khóa công khai của chi bộ: tệp PEM, hoặc base64url như `ballot keys show` in")
    who.add_argument("--fingerprint", metavar="FP", help="dấu vân tay khóa của chi bộ (SHA-256)")
    p.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ (mặc định: vi)")
    p.add_argument("--with", dest="with_folder", metavar="FOLDER",
                   help="gói của đảng ủy: thư mục chứa gói của các chi bộ, để kiểm tra lại từng gói "
                        "và tính lại đề xuất")
    p.set_defaults(handler=_run_verify)


def _run_verify(args: argparse.Namespace) -> int:
    from ballot.report.cli import run_verify

    return run_verify(args.bundle, args.key, args.fingerprint, args.lang, args.with_folder)


def _add_committee(sub: argparse._SubParsersAction) -> None:
    from ballot.vocabulary import LEVEL_CODES

    p = sub.add_parser("committee", help="Không gian làm việc của đảng ủy / the committee's workspace")
    commands = p.add_subparsers(dest="committee_command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        c = commands.add_parser(name, help=text)
        c.add_argument("--data", required=True, help="thư mục dữ liệu của đảng ủy")
        return c

    c = command("init", "tạo không gian làm việc và khóa của đảng ủy / create the workspace")
    c.add_argument("--name", required=True, help="tên đảng ủy cơ sở")
    c.add_argument("--profile", required=True, help="hồ sơ quy tắc của năm: 21-HD-2019 hoặc 366-2025")
    c.add_argument("--cap-percent", type=int, default=20,
                   help="366-2025: 20, hoặc 25 khi cấp có thẩm quyền cho phép")
    c = command("register", "đăng ký chi bộ và dấu vân tay khóa / register a chi bộ's key")
    c.add_argument("--branch", required=True, help="tên chi bộ, đúng như trong gói")
    c.add_argument("--fingerprint", required=True, help="dấu vân tay từ “ballot keys show” của chi bộ")
    c.add_argument("--kind", default="chi_bo_truc_thuoc", choices=["chi_bo_truc_thuoc", "chi_bo_co_so"])
    c.add_argument("--confirmation", help="đã đối chiếu thế nào (ghi lại), ví dụ “so với phiếu in ngày …”")
    c = command("import", "kiểm tra và nhận gói của chi bộ / verify and import bundles")
    c.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
    c = command("report", "đề xuất toàn đảng bộ / the đảng bộ's proposal")
    c.add_argument("--format", choices=["json", "table"], default="table")
    c = command("decide", "ghi quyết định của đảng ủy / record a decision")
    c.add_argument("--member", metavar="BRANCH:ID", help="đảng viên: TÊN_CHI_BỘ:MÃ")
    c.add_argument("--branch", metavar="NAME", help="mức của chính chi bộ")
    c.add_argument("--level", required=True, choices=list(LEVEL_CODES))
    c.add_argument("--reason", help="lý do (bắt buộc khi khác đề xuất)")
    c = command("certify", "ký gói của đảng ủy / sign the committee bundle")
    c.add_argument("--resolution", required=True, help="số nghị quyết/quyết định")
    c.add_argument("--date", help="ngày của quyết định (YYYY-MM-DD; mặc định hôm nay)")
    c.add_argument("--out", required=True, help="tệp gói của đảng ủy (.json)")
    c = command("add-clerk", "tạo tài khoản văn phòng đảng ủy cho trang /committee / add a clerk account")
    c.add_argument("--username", required=True, help="tên đăng nhập")
    p.set_defaults(handler=_run_committee)


def _run_committee(args: argparse.Namespace) -> int:
    from ballot.committee_cli import run_committee

    settings = _settings(args.data)
    return 2 if settings is None else run_committee(args, settings)


def _add_server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="0.0.0.0", help="địa chỉ lắng nghe (mặc định: mọi giao diện LAN)")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--data", default=DEFAULT_DATA, help="thư mục dữ liệu (mặc định: instance/)")


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="chạy máy chủ cuộc họp / run the meeting server")
    _add_server_options(p)
    p.add_argument("--create-host", metavar="USERNAME",
                   help="tạo tài khoản chủ tọa (mật khẩu từ PHIEUKIN_HOST_PASSWORD)")
    p.set_defaults(handler=_run_serve)


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="chạy một cuộc họp mẫu / start a demo meeting")
    _add_server_options(p)
    p.add_argument("--members", type=int, default=12, help="số đảng viên (mặc định 12)")
    p.add_argument("--export-codes", metavar="FILE", help="ghi mã tham gia ra tệp JSON")
    p.add_argument("--branch", metavar="NAME", default=None,
                   help="tên chi bộ của cuộc họp mẫu (mặc định “Chi bộ Phòng Tổng hợp”)")
    p.set_defaults(handler=_run_demo)


def _build(args: argparse.Namespace):
    from pathlib import Path

    from ballot.server import build

    settings = _settings(args.data)
    if settings is None:
        return None
    server = build(settings, legacy_keys=Path.cwd() / "keys")
    _print_key(server.key)
    return server


def _print_key(key) -> None:
    if key.adopted_from is not None:
        print(f"Đã chuyển khóa chứng thực cũ từ {key.adopted_from} vào {key.directory}; "
              f"có thể xóa bản cũ sau khi sao lưu.\n"
              f"Adopted the earlier certification key from {key.adopted_from} into {key.directory}.")
    elif key.created:
        print(f"Đã tạo khóa chứng thực mới của chi bộ trong {key.directory}; hãy sao lưu thư mục này.\n"
              f"Created the chi bộ's certification key in {key.directory}; back it up.")
    print(f"Dấu vân tay khóa chứng thực / certification key fingerprint: {key.fingerprint}")


def _production_process() -> None:
    """Make this process the production server's before anything else is imported:
    gevent's cooperative sockets, locks and sleeps in place of the standard library's
    (ballot.server.run serves on gevent's WSGI server in such a process)."""
    from gevent import monkey

    monkey.patch_all()


def _run_serve(args: argparse.Namespace) -> int:
    _production_process()
    import os

    server = _build(args)
    if server is None:
        return 2
    if args.create_host:
        password = os.environ.get("PHIEUKIN_HOST_PASSWORD", "")
        server.services.create_host(args.create_host, password)
        print(f"Đã tạo tài khoản chủ tọa “{args.create_host}”. / Host account created.")
    return _serve(server, args)


def _run_demo(args: argparse.Namespace) -> int:
    _production_process()
    from pathlib import Path

    from ballot.demo import create_demo, export_codes

    if not 3 <= args.members <= 2000:
        print("--members phải từ 3 đến 2000 / must be 3..2000", file=sys.stderr)
        return 2
    server = _build(args)
    if server is None:
        return 2
    demo = create_demo(server.services, args.members, branch=args.branch)
    base_url = server.listening(args.host, args.port)
    print(f"Tài khoản chủ tọa / host login: {demo['host']['username']} / {demo['host']['password']}")
    print(f"Mã cuộc họp / meeting code: {demo['meeting_code']}")
    if args.export_codes:
        export_codes(Path(args.export_codes), demo, base_url)
        print(f"Mã cá nhân đã ghi vào / personal codes written to {args.export_codes}")
    return _serve(server, args)


def _serve(server, args: argparse.Namespace) -> int:
    from ballot.server import run

    base_url = server.listening(args.host, args.port)
    print(f"Bàn chủ tọa / host console: {base_url}/host")
    for meeting in server.services.open_meetings()[:5]:
        print(f"Trình chiếu / projector ({meeting['code']}, {meeting['title']}): "
              f"{base_url}/projector/{meeting['id']}")
    print("Dừng máy chủ: Ctrl+C / stop with Ctrl+C", flush=True)
    run(server, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ballot",
        description="Phiếu kín — bỏ phiếu kín xếp loại đảng viên cuối năm",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_classify(sub)
    _add_keys(sub)
    _add_verify(sub)
    _add_serve(sub)
    _add_demo(sub)
    _add_committee(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
