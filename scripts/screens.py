"""Screenshots of every page a meeting shows, at a phone's 360 px and at the
laptop's 1366 and 1920 px, in Debian's Chromium: the way to look at what we build.

    .venv/bin/python scripts/screens.py [--members 30] [--out /tmp/phieukin-screens]
    .venv/bin/python scripts/screens.py --docs      # also refresh docs/screens/ (the README's)

Starts `ballot demo` on a free port in a fresh data directory, walks a meeting
(phones join, a round opens, some vote, the round closes, the host certifies) and
writes one PNG per page, state and width. Then a second meeting of the same chi bộ
with a counting committee (docs/encrypted-ballots.md, 14): three trustees' phones run
the key ceremony on the trustee page, a round is voted encrypted and closed, and one
trustee of the two needed decrypts, so that the round stays counting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ballot.demo import DEMO_BRANCH, demo_rows  # noqa: E402
from tests.encrypted_kit import EncryptingPhone  # noqa: E402
from tests.meeting_kit import HttpClient, Phone  # noqa: E402
from tests.server_process import running  # noqa: E402

WIDTHS = {"360": (360, 740), "1366": (1366, 768), "1920": (1920, 1080)}
# The screens the README shows, each at the width its user meets it (docs/screens/).
DOCS = ["join-360", "phone-ballot-ticked-360", "phone-review-360", "phone-done-360", "phone-closed-360",
        "phone-wrong-code-360", "host-picker-1366", "host-open-1366", "host-results-1366",
        "projector-lobby-1920", "projector-open-1920", "projector-results-1920", "projector-certified-1920",
        "slips-1366", "verify-unconfirmed-1366", "verify-valid-360",
        "trustee-ceremony-360", "trustee-counting-360", "host-committee-1366", "host-counting-1366",
        "projector-counting-1920", "phone-encrypted-ballot-360", "phone-counting-360"]
CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "vi-VN",
         "device_scale_factor": 2}


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

        def shoot(name: str, url: str, widths=WIDTHS, before=None, context_args=None, element=None) -> None:
            """`element`: a selector, to picture that part of the page only."""
            for label, (width, height) in widths.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                              **(context_args or {}))
                page = context.new_page()
                page.goto(url)
                page.wait_for_load_state("networkidle")
                if before:
                    before(page)
                target = page.locator(element) if element else page
                target.screenshot(path=str(out / f"{name}-{label}.png"))
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
        walk_encrypted(base, host, headers, browser, out, shoot, host_login, len(codes["members"]))
        browser.close()


def walk_encrypted(base: str, host, headers: dict, browser, out: Path, shoot, host_login, members: int) -> None:
    """The same chi bộ's second meeting, with a counting committee of three, two needed."""
    today = dt.date.today()
    created = host.post(f"{base}/api/host/meetings", headers=headers, json={
        "branch_name": DEMO_BRANCH, "title": f"Hội nghị kiểm điểm, xếp loại chất lượng đảng viên năm {today.year}",
        "date": today.isoformat(), "organisation_kind": "chi_bo_truc_thuoc"})
    assert created.status_code == 201, created.text
    meeting_id, code = created.json()["meeting"]["id"], created.json()["meeting"]["code"]
    rows = demo_rows(members, today)
    assert host.post(f"{base}/api/host/meetings/{meeting_id}/roster", headers=headers,
                     json={"members": rows}).status_code == 201
    personal = {m["id"]: m["personal_code"] for m in
                host.get(f"{base}/api/host/meetings/{meeting_id}/personal-codes", headers=headers).json()["members"]}
    voters = [row["id"] for row in rows if row["status"] == "chinh_thuc"]
    trustee_ids, voter_id, others_ids = voters[:3], voters[3], voters[4:]

    def phone_page(member_id: str):
        page = browser.new_context(**PHONE).new_page()
        page.goto(f"{base}/j/{code}?c={personal[member_id]}")
        page.get_by_role("button", name="Vào cuộc họp").click()
        page.locator("#waiting").wait_for()
        return page

    def at_widths(page, name: str) -> None:
        """A page that lives in its phone (its check-in, its trustee's seed): resized, not reopened."""
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(PHONE["viewport"])

    def console(ready: str):
        def before(page) -> None:
            host_login(page)
            page.locator(ready).first.wait_for()
            # The console's bars stay on top when it scrolls; not over the card in its picture.
            page.evaluate("""() => document.querySelectorAll(".topbar, .flash")
                .forEach((el) => { el.style.position = "static"; })""")
        return before

    trustee_phones = [phone_page(member_id) for member_id in trustee_ids]
    voter = phone_page(voter_id)
    others = []
    for member_id in others_ids:
        other = EncryptingPhone(HttpClient(base), HttpClient(base, cookies=False))
        assert other.join(code, personal[member_id]).status_code == 200
        others.append(other)
    designated = host.post(f"{base}/api/host/meetings/{meeting_id}/trustees", headers=headers,
                           json={"member_ids": trustee_ids, "threshold": 2})
    assert designated.status_code == 200, designated.text

    # Each trustee's page runs in a second tab of its member's phone; the ceremony runs by itself.
    trustees = []
    for page in trustee_phones:
        page.locator("#trustee-link").wait_for()
        trustee = page.context.new_page()
        trustee.goto(f"{base}/trustee")
        trustees.append(trustee)
    for trustee in trustees:
        trustee.locator("#fingerprint").wait_for(timeout=60_000)
    first = trustees[0]
    first.fill("#backup-pin", "2468")
    first.locator("#make-backup").click()
    first.locator("#backup-code .line").nth(3).wait_for()
    at_widths(first, "trustee-ceremony")
    first.locator("#backup-done").click()
    first.locator("#backup-made").wait_for()
    confirmed = host.post(f"{base}/api/host/meetings/{meeting_id}/trustees/confirm", headers=headers, json={})
    assert confirmed.status_code == 200, confirmed.text
    first.locator("#confirmed-aloud").wait_for()
    shoot("host-committee", f"{base}/host#m={meeting_id}", before=console("#confirmed-aloud"),
          element="#committee-card")
    shoot("projector-committee", f"{base}/projector/{meeting_id}",
          before=lambda page: page.locator("#committee-fingerprint").wait_for())
    for trustee in trustees[1:]:
        trustee.close()  # trustees 2 and 3 leave: the round waits for one of them

    round_ = host.post(f"{base}/api/host/meetings/{meeting_id}/rounds", headers=headers,
                       json={"kind": "classification"}).json()
    host.post(f"{base}/api/host/rounds/{round_['id']}/open", headers=headers)
    voter.locator("#ballot fieldset.question").first.wait_for()
    voter.locator("#committee-fingerprint strong").wait_for()
    questions = [q["id"] for q in others[0].state()["round"]["questions"]]
    for index, other in enumerate(others[:-3]):
        other.vote({q: ("HTXSNV", "HTTNV", "HTTNV", "HTNV")[(index + i) % 4 if i % 3 else 1]
                    for i, q in enumerate(questions)})
    for card in voter.locator("fieldset.question").all()[:2]:
        card.locator(".choice.lvl-HTTNV").click()
    voter.evaluate("() => window.scrollTo(0, 0)")
    voter.screenshot(path=str(out / "phone-encrypted-ballot-360.png"))
    voter.locator("#to-review").click()
    voter.locator("#cast").click()
    voter.locator("#tracking-code").wait_for(timeout=60_000)

    host.post(f"{base}/api/host/rounds/{round_['id']}/close", headers=headers)
    voter.locator("#counting").wait_for()
    voter.screenshot(path=str(out / "phone-counting-360.png"))
    first.locator(f'li[data-round="{round_["id"]}"]').get_by_text("Đã gửi phần giải mã").wait_for(timeout=60_000)
    at_widths(first, "trustee-counting")
    shoot("host-counting", f"{base}/host#m={meeting_id}",
          before=console(".counting-round .decryption-count:has-text('1/2')"), element="#committee-card")
    shoot("projector-counting", f"{base}/projector/{meeting_id}",
          before=lambda page: (page.locator("#committee-fingerprint").wait_for(),
                               page.locator("#counting-note").wait_for()))
    for page in (*trustee_phones, voter):
        page.context.close()


if __name__ == "__main__":
    main()
