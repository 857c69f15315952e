"""Screenshots of every page a meeting shows, at a phone's 360 px and at the
laptop's 1366 and 1920 px, in Debian's Chromium: the way to look at what we build.

    .venv/bin/python scripts/screens.py [--members 30] [--out /tmp/phieukin-screens]
    .venv/bin/python scripts/screens.py --docs      # also refresh docs/screens/ (the README's)

Starts `ballot demo` on a free port in a fresh data directory, walks a meeting
(phones join, a round opens, some vote, the round closes, the host certifies) and
writes one PNG per page, state and width.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.meeting_kit import HttpClient, Phone  # noqa: E402
from tests.server_process import running  # noqa: E402

WIDTHS = {"360": (360, 740), "1366": (1366, 768), "1920": (1920, 1080)}
# The screens the README shows, each at the width its user meets it (docs/screens/).
DOCS = ["join-360", "phone-ballot-ticked-360", "phone-review-360", "phone-done-360", "phone-closed-360",
        "phone-wrong-code-360", "host-picker-1366", "host-open-1366", "host-results-1366",
        "projector-lobby-1920", "projector-open-1920", "projector-results-1920", "projector-certified-1920",
        "slips-1366", "verify-unconfirmed-1366", "verify-valid-360"]
CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("/tmp/phieukin-screens"))
    parser.add_argument("--docs", action="store_true", help="copy the README's screens into docs/screens/")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        codes_file = Path(tmp) / "codes.json"
        # The address a laptop on the meeting room's Wi-Fi would have, as the screens
        # print it (the browser here still talks to loopback).
        with running(["demo", "--data", f"{tmp}/data", "--members", str(args.members),
                      "--export-codes", str(codes_file)],
                     env={"PHIEUKIN_PUBLIC_URL": "http://192.168.1.20:8000"}) as server:
            walk(server.base, json.loads(codes_file.read_text(encoding="utf-8")), args.out)
    print(f"screenshots in {args.out}")
    if args.docs:
        docs = ROOT / "docs" / "screens"
        docs.mkdir(exist_ok=True)
        for name in DOCS:
            shutil.copyfile(args.out / f"{name}.png", docs / f"{name}.png")
        print(f"{len(DOCS)} screens copied into {docs}")


def walk(base: str, codes: dict, out: Path) -> None:
    host = requests.Session()
    csrf = host.post(f"{base}/api/host/login", json=codes["host"]).json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    meeting = codes["meeting_id"]
    voters = [m for m in codes["members"] if m["status"] == "chinh_thuc"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        def shoot(name: str, url: str, widths=WIDTHS, before=None, context_args=None) -> None:
            for label, (width, height) in widths.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                              **(context_args or {}))
                page = context.new_page()
                page.goto(url)
                page.wait_for_load_state("networkidle")
                if before:
                    before(page)
                page.screenshot(path=str(out / f"{name}-{label}.png"))
                context.close()

        def host_login(page) -> None:
            page.fill("#username", codes["host"]["username"])
            page.fill("#password", codes["host"]["password"])
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_role("button", name="Đăng xuất").wait_for()
            page.locator("#recent li, #members tr[data-member]").first.wait_for()
            page.wait_for_load_state("networkidle")

        shoot("join", f"{base}/j/{codes['meeting_code']}")
        shoot("phone-wrong-code", f"{base}/j/ZZZZZZ", widths={"360": WIDTHS["360"]})
        shoot("projector-lobby", f"{base}/projector/{meeting}")
        shoot("host-login", f"{base}/host")
        shoot("host-picker", f"{base}/host", before=host_login)
        shoot("host-lobby", f"{base}/host#m={meeting}", before=host_login)
        shoot("slips", f"{base}/host/meetings/{meeting}/slips", before=lambda page: (
            page.goto(f"{base}/host"), host_login(page), page.goto(f"{base}/host/meetings/{meeting}/slips"),
            page.locator(".slip").first.wait_for(), page.wait_for_load_state("networkidle"),
            page.wait_for_function("[...document.images].every((image) => image.complete)")))
        shoot("verify", f"{base}/verify")

        phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                        has_touch=True, locale="vi-VN", device_scale_factor=2)
        phone = phone_ctx.new_page()
        phone.goto(f"{base}/j/{codes['meeting_code']}?c={voters[0]['personal_code']}")
        phone.get_by_role("button", name="Vào cuộc họp").click()
        phone.locator("#waiting").wait_for()
        phone.screenshot(path=str(out / "phone-waiting-360.png"))
        others = []
        for member in voters[1:]:
            other = Phone(HttpClient(base), HttpClient(base, cookies=False))
            assert other.join(codes["meeting_code"], member["personal_code"]).status_code == 200
            others.append(other)
        round_ = host.post(f"{base}/api/host/meetings/{meeting}/rounds", headers=headers,
                           json={"kind": "classification"}).json()
        host.post(f"{base}/api/host/rounds/{round_['id']}/open", headers=headers)
        phone.locator("#ballot").wait_for()
        # Most of the room votes before this phone, so that the results read like a meeting's.
        questions = [q["id"] for q in others[0].state()["round"]["questions"]]
        for index, other in enumerate(others[:-3]):
            other.vote({q: ("HTXSNV", "HTTNV", "HTTNV", "HTNV")[(index + i) % 4 if i % 3 else 1]
                        for i, q in enumerate(questions)})
        phone.screenshot(path=str(out / "phone-ballot-360.png"))
        for card in phone.locator("fieldset.question").all()[:5]:
            card.locator(".choice.lvl-HTTNV").click()
        phone.screenshot(path=str(out / "phone-ballot-ticked-360.png"))
        phone.screenshot(path=str(out / "phone-ballot-full-360.png"), full_page=True)
        phone.locator("#to-review").click()
        phone.screenshot(path=str(out / "phone-review-360.png"))
        shoot("projector-open", f"{base}/projector/{meeting}")
        shoot("host-open", f"{base}/host#m={meeting}", before=host_login)
        phone.locator("#cast").click()
        phone.locator("#tracking-code").wait_for()
        phone.screenshot(path=str(out / "phone-done-360.png"))
        host.post(f"{base}/api/host/rounds/{round_['id']}/close", headers=headers)
        phone.locator("#counted").wait_for()
        phone.screenshot(path=str(out / "phone-closed-360.png"))
        shoot("projector-results", f"{base}/projector/{meeting}")
        shoot("host-results", f"{base}/host#m={meeting}", before=host_login)
        certified = host.post(f"{base}/api/host/meetings/{meeting}/certify", headers=headers)
        assert certified.status_code == 201, certified.text
        phone.reload()
        phone.locator("#finished").wait_for()
        phone.screenshot(path=str(out / "phone-certified-360.png"))
        shoot("projector-certified", f"{base}/projector/{meeting}")
        bundle = out / "bundle.json"
        bundle.write_bytes(certified.content)

        def verified(fingerprint: str):
            def check(page) -> None:
                page.set_input_files("#bundle", str(bundle))
                page.fill("#fingerprint", fingerprint)
                page.get_by_role("button", name="Kiểm tra").click()
                page.locator("#verdict:not(:empty)").wait_for()
                page.evaluate("window.scrollTo(0, 0)")
            return check

        shoot("verify-unconfirmed", f"{base}/verify", before=verified(""))
        shoot("verify-valid", f"{base}/verify",
              before=verified(json.loads(bundle.read_bytes())["signer"]["fingerprint"]))
        phone_ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
