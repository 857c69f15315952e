"""The `ballot` command: one entry point, one sub-command per use case.

Each sub-command parses its arguments here and hands the work to the package;
the rules and crypto never print or exit.
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


def _add_keys(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keys", help="Khóa chứng thực của chi bộ / certification keys")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    init = keys_sub.add_parser("init", help="tạo cặp khóa Ed25519 / create the key pair")
    init.add_argument("--dir", default=None, help="thư mục khóa (mặc định: keys/)")
    show = keys_sub.add_parser("show", help="in khóa công khai / print the public key")
    show.add_argument("--dir", default=None, help="thư mục khóa (mặc định: keys/)")
    p.set_defaults(handler=_run_keys)


def _run_keys(args: argparse.Namespace) -> int:
    from ballot.crypto.keys_cli import run_keys

    return run_keys(args.keys_command, args.dir)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ballot",
        description="Phiếu kín — bỏ phiếu kín xếp loại đảng viên cuối năm",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_classify(sub)
    _add_keys(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
