"""Screenshots of every page a meeting shows, at a phone's 360 px and at the
laptop's 1366 and 1920 px, in Debian's Chromium: the way to look at what we build.

    .venv/bin/python scripts/screens.py [--members 30] [--out /tmp/phieukin-screens]

Starts `ballot demo` on a free port in a fresh data directory, walks a meeting
(phones join, a round opens, some vote, the round closes, the host certifies) and
writes one PNG per page, state and width.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server_process import running  # noqa: E402

WIDTHS = {"360": (360, 740), "1366": (1366, 768), "1920": (1920, 1080)}
CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("/tmp/phieukin-screens"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        codes_file = Path(tmp) / "codes.json"
        with running(["demo", "--data", f"{tmp}/data", "--members", str(args.members),
                      "--export-codes", str(codes_file)]) as server:
            walk(server.base, json.loads(codes_file.read_text(encoding="utf-8")), args.out)
    print(f"screenshots in {args.out}")


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
            page.wait_for_load_state("networkidle")

        shoot("join", f"{base}/j/{codes['meeting_code']}")
        shoot("projector-lobby", f"{base}/projector/{meeting}")
        shoot("host-login", f"{base}/host")
        shoot("verify", f"{base}/verify")

        phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                        has_touch=True, locale="vi-VN", device_scale_factor=2)
        phone = phone_ctx.new_page()
        phone.goto(f"{base}/j/{codes['meeting_code']}?c={voters[0]['personal_code']}")
        phone.get_by_role("button", name="Vào cuộc họp").click()
        phone.locator("#waiting").wait_for()
        phone.screenshot(path=str(out / "phone-waiting-360.png"))
        for member in voters[1:]:
            requests.post(f"{base}/api/join", json={"meeting_code": codes["meeting_code"],
                                                    "personal_code": member["personal_code"]})
        round_ = host.post(f"{base}/api/host/meetings/{meeting}/rounds", headers=headers,
                           json={"kind": "classification"}).json()
        host.post(f"{base}/api/host/rounds/{round_['id']}/open", headers=headers)
        phone.locator("#ballot").wait_for()
        phone.screenshot(path=str(out / "phone-ballot-360.png"))
        for card in phone.locator("fieldset.question").all()[:5]:
            card.locator(".choice.lvl-HTTNV").click()
        phone.screenshot(path=str(out / "phone-ballot-ticked-360.png"))
        phone.screenshot(path=str(out / "phone-ballot-full-360.png"), full_page=True)
        phone.locator("#to-review").click()
        phone.screenshot(path=str(out / "phone-review-360.png"))
        shoot("projector-open", f"{base}/projector/{meeting}")
        shoot("host-open", f"{base}/host#m={meeting}", widths={k: WIDTHS[k] for k in ("1366", "1920")},
              before=host_login)
        phone.locator("#cast").click()
        phone.locator("#tracking-code").wait_for()
        phone.screenshot(path=str(out / "phone-done-360.png"))
        host.post(f"{base}/api/host/rounds/{round_['id']}/close", headers=headers)
        phone.locator("#counted").wait_for()
        phone.screenshot(path=str(out / "phone-closed-360.png"))
        shoot("projector-results", f"{base}/projector/{meeting}")
        shoot("host-results", f"{base}/host#m={meeting}", widths={k: WIDTHS[k] for k in ("1366", "1920")},
              before=host_login)
        host.post(f"{base}/api/host/meetings/{meeting}/certify", headers=headers)
        phone.reload()
        phone.locator("#finished").wait_for()
        phone.screenshot(path=str(out / "phone-certified-360.png"))
        shoot("projector-certified", f"{base}/projector/{meeting}")
        phone_ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
