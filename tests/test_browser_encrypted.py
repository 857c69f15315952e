"""An encrypted meeting in real browsers (docs/encrypted-ballots.md, section 14): the
host designates a counting committee of three with a threshold of two, the three
trustees' phones run the key ceremony, the projector, a voter's phone and every
trustee's phone show the same short fingerprint, which the host records as read
aloud; five phones vote with encrypted ballots (one reloads mid-cast), the round
closes into counting, trustees 1 and 3 decrypt (trustee 2 is absent), the results
appear and the meeting is certified.

The same Chromium and fixtures as tests/test_browser.py; one browser, one context per
phone (a trustee's page is a second tab of its member's phone). Synchronisation by
Playwright's auto-waiting assertions only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.meeting_kit import HOST_PASSWORD, HOST_USER, REVIEW_DATE
from tests.test_browser import (
    LAN_NAME,
    PHONE,
    SCREENSHOTS,
    TRACKING,
    _api_host,
    _watch,
    browser,  # noqa: F401 (fixture)
    live_server,  # noqa: F401 (fixture)
)

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (or fail in CI) without Playwright
    expect = None

ROSTER = [
    {"id": f"m0{i}", "name": name, "status": "chinh_thuc", "admitted_on": f"20{i:02d}-05-19",
     "self_level": "HTTNV", "committee_level": "HTTNV"}
    for i, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Cường", "Phạm Thu Dung",
                              "Hoàng Minh Đạt"], start=1)
]
FINGERPRINT = re.compile(r"^[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}$")
VOTES = {
    "m01": {"m01": "HTXSNV", "m02": "HTTNV", "m03": "HTTNV"},
    "m02": {"m01": "HTXSNV", "m02": "HTTNV", "m04": "HTNV"},
    "m03": {"m01": "HTXSNV", "m02": "HTXSNV", "m03": "HTTNV", "m04": "HTNV", "m05": "KHTNV"},
    "m04": {"m01": "HTTNV", "m05": "HTNV"},
    "m05": {"m01": "HTXSNV", "m03": "HTTNV"},
}


def test_an_encrypted_meeting_with_a_counting_committee(live_server, browser, tmp_path):  # noqa: F811
    base, errors = live_server, []
    lan = base.replace("127.0.0.1", LAN_NAME)
    api = _api_host(base)
    meeting = api.post(f"{base}/api/host/meetings", json={
        "branch_name": "Chi bộ Phòng Tổng hợp", "title": "Kiểm điểm cuối năm 2026",
        "date": REVIEW_DATE.isoformat(), "profile": "21-HD-2019", "organisation_kind": "chi_bo_truc_thuoc",
    }).json()["meeting"]
    meeting_id = meeting["id"]
    assert api.post(f"{base}/api/host/meetings/{meeting_id}/roster", json={"members": ROSTER}).ok
    codes = {m["id"]: m["personal_code"]
             for m in api.get(f"{base}/api/host/meetings/{meeting_id}/personal-codes").json()["members"]}

    # --- the console, the projector, five phones --------------------------------------------
    host_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    host = _watch(host_context.new_page(), errors, "host")
    host.goto(f"{base}/host#m={meeting_id}")
    host.fill("#username", HOST_USER)
    host.fill("#password", HOST_PASSWORD)
    host.get_by_role("button", name="Đăng nhập").click()
    expect(host.locator("#committee-none")).to_contain_text("Chưa có ban kiểm phiếu")
    expect(host.locator("#committee-why")).to_contain_text("không ai, kể cả chủ tọa, đọc được một lá phiếu")

    projector = _watch(browser.new_context(viewport={"width": 1600, "height": 900}).new_page(), errors, "projector")
    projector.goto(f"{base}/projector/{meeting_id}")

    phones = {key: _watch(browser.new_context(**PHONE).new_page(), errors, f"phone {key}") for key in VOTES}
    for key, page in phones.items():  # each step for all phones at once: they load side by side
        page.goto(f"{lan}/j/{meeting['code']}?c={codes[key]}", wait_until="commit")
    for page in phones.values():
        page.get_by_role("button", name="Vào cuộc họp").click()
    for page in phones.values():
        expect(page.locator("#waiting")).to_be_visible()
    expect(host.locator("#present-count")).to_have_text("5/5")

    # --- the host designates three trustees, two of them needed ------------------------------
    card = host.locator("#committee-card")
    for key in ("m01", "m02", "m03"):
        card.locator(f'input[name=trustee][value="{key}"]').check()
    expect(card.locator("#committee-threshold")).to_have_value("2")  # 2 of 3 by default
    expect(card.locator("#committee-chosen")).to_have_text("Đã chọn 3/7 người.")
    card.locator("#start-committee").click()
    expect(card.locator("#trustee-progress tbody tr")).to_have_count(3)
    expect(projector.locator("#committee")).to_contain_text("Ban kiểm phiếu: 2/3")

    # Each trustee's phone offers the trustee page; it runs in a second tab of that phone.
    trustees = {}
    for index, key in enumerate(("m01", "m02", "m03"), start=1):
        expect(phones[key].locator("#trustee-link")).to_be_visible()
        page = _watch(phones[key].context.new_page(), errors, f"trustee {index}")
        page.goto(f"{lan}/trustee")
        expect(page.locator("#who")).to_have_text(f"{ROSTER[index - 1]['name']} · thành viên số {index}")
        trustees[index] = page
    expect(phones["m04"].locator("#trustee-link")).to_be_hidden()

    # --- the ceremony completes by itself; everyone computes the same fingerprint --------------
    fingerprints = set()
    for page in trustees.values():
        expect(page.locator("#fingerprint")).to_have_text(FINGERPRINT, timeout=60_000)
        fingerprints.add(page.locator("#fingerprint").text_content())
        expect(page.locator("#read-aloud")).to_contain_text("Đọc to mã này")
    assert len(fingerprints) == 1
    short = fingerprints.pop()
    expect(card.locator("#host-fingerprint")).to_have_text(short)
    expect(card.locator("#trustee-progress td.yes")).to_have_count(9)
    expect(projector.locator("#committee-fingerprint")).to_have_text(short)
    expect(phones["m04"].locator("#committee-fingerprint strong")).to_have_text(short)  # before any round
    # The seed stays on the phone under the ceremony and the index; the backup code too.
    seed_keys = trustees[1].evaluate("""() => Object.keys(localStorage)
        .filter((k) => k.startsWith("phieukin:trustee:"))""")
    assert len(seed_keys) == 1 and seed_keys[0].endswith(":1")
    sent: list[str] = []
    trustees[1].on("request", lambda request: sent.append(request.post_data or ""))
    trustees[1].fill("#backup-pin", "2468")
    trustees[1].locator("#make-backup").click()
    expect(trustees[1].locator("#backup-code .line")).to_have_count(4)
    backup = trustees[1].locator("#backup-code").get_attribute("aria-label")
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){15}", backup)
    trustees[1].set_viewport_size({"width": 360, "height": 740})
    trustees[1].evaluate("() => window.scrollTo(0, 0)")
    trustees[1].screenshot(path=str(SCREENSHOTS / "phieukin-trustee-360.png"), full_page=True)
    trustees[1].locator("#backup-done").click()
    expect(trustees[1].locator("#backup-made")).to_be_visible()
    assert not any(backup.replace("-", "") in body.replace("-", "") for body in sent)

    # Trustee 3's phone loses its key (browser data cleared) and restores it from a backup code.
    code3 = trustees[3].evaluate("""async () => {
        const { encodeBackup } = await import("/static/js/backup.js");
        const { b64urlDecode } = await import("/static/js/encoding.js");
        const { verifyCommittee } = await import("/static/js/committee.js");
        const answer = await (await fetch("/api/trustee")).json();
        const key = Object.keys(localStorage).find((k) => /^phieukin:trustee:[^:]+:3$/.test(k));
        const seed = b64urlDecode(localStorage.getItem(key));
        const code = encodeBackup(seed, 3, verifyCommittee(answer.ceremony.transcript).fingerprint);
        localStorage.removeItem(key);
        return code;
    }""")
    trustees[3].reload()
    expect(trustees[3].locator("#need-restore")).to_be_visible()
    trustees[3].fill("#restore-code", code3.lower())
    trustees[3].locator("#restore-form button[type=submit]").click()
    expect(trustees[3].locator("#fingerprint")).to_have_text(short)

    # --- read aloud, recorded; a round under the committee's key ------------------------------
    card.locator("#confirm-aloud").click()
    expect(card.locator("#confirmed-aloud")).to_contain_text("các thành viên đã đọc mã và khớp")
    expect(trustees[1].locator("#confirmed-aloud")).to_be_visible()
    # The console's bars stay on top when it scrolls; not over the card in its picture.
    host.evaluate("""() => document.querySelectorAll(".topbar, .flash")
        .forEach((el) => { el.style.position = "static"; })""")
    card.screenshot(path=str(SCREENSHOTS / "phieukin-host-committee-1366.png"))
    projector.screenshot(path=str(SCREENSHOTS / "phieukin-projector-committee-1600.png"))
    trustees[2].close()  # trustee 2 leaves: the round is counted without them
    trustees[3].close()  # back later

    host.get_by_role("button", name="Tạo vòng xếp loại đảng viên").click()
    host.get_by_role("button", name="Mở vòng bỏ phiếu").click()
    expect(host.locator("#host-turnout")).to_contain_text("0/5 đã bỏ phiếu")
    round_id = host.locator("#rounds-history tr[data-round]").last.get_attribute("data-round")
    for page in phones.values():
        expect(page.locator("#ballot fieldset.question")).to_have_count(5)
        expect(page.locator("#committee-fingerprint")).to_contain_text("Mã ban kiểm phiếu — đối chiếu với màn chiếu")
        expect(page.locator("#committee-fingerprint strong")).to_have_text(short)

    def fill(page, choices: dict[str, str]) -> None:
        page.bring_to_front()  # the voter's tab, not the trustee page of the same phone
        for question, level in choices.items():
            page.locator(f'fieldset[data-question="{question}"] .choice.lvl-{level}').click()
        expect(page.locator("#chosen-count")).to_have_text(f"Đã chọn {len(choices)}/5")
        page.locator("#to-review").click()

    # A server that altered the committee's record in the ballot form: the phone refuses to vote.
    def fetched_whole(route):
        """The form as the server sends it, even to a phone that holds it already (no 304)."""
        headers = {k: v for k, v in route.request.headers.items() if k.lower() != "if-none-match"}
        return route.fetch(url=route.request.url.replace(LAN_NAME, "127.0.0.1"), headers=headers)

    def altered(route):
        answer = fetched_whole(route)
        form = answer.json()
        commitments = form["committee"]["dealings"][0]["message"]["commitments"]
        commitments.reverse()
        route.fulfill(response=answer, json=form)

    form_url = "**/api/rounds/*/form"
    phones["m04"].route(form_url, altered)
    phones["m04"].reload()
    expect(phones["m04"].locator("#bad-committee")).to_contain_text("Điện thoại không bỏ phiếu trong vòng này")
    expect(phones["m04"].locator("#ballot")).to_have_count(0)
    phones["m04"].unroute(form_url)

    # A server that drops the committee from the ballot form, asking for a plaintext
    # ballot: the phone saw the meeting's committee, so it builds none and asks no signature.
    def stripped(route):
        answer = fetched_whole(route)
        form = answer.json()
        del form["committee"]
        route.fulfill(response=answer, json=form)

    signs = []
    phones["m04"].on("request", lambda r: signs.append(r.url) if r.url.endswith("/sign") else None)
    phones["m04"].route(form_url, stripped)
    phones["m04"].reload()
    fill(phones["m04"], {"m01": "HTTNV"})
    phones["m04"].locator("#cast").click()
    expect(phones["m04"].locator("#cast-error")).to_contain_text("vòng này không mã hóa phiếu")
    assert signs == []
    phones["m04"].unroute(form_url)
    phones["m04"].evaluate("() => localStorage.removeItem(Object.keys(localStorage).find((k) => "
                           "k.startsWith('phieukin:draft:')))")
    phones["m04"].reload()
    expect(phones["m04"].locator("#ballot fieldset.question")).to_have_count(5)
    phones["m04"].set_viewport_size({"width": 360, "height": 740})
    phones["m04"].screenshot(path=str(SCREENSHOTS / "phieukin-phone-encrypted-ballot-360.png"))

    # m05's phone is reloaded after its ballot was signed and before it reached the server.
    blocked = []

    def offline(route):
        blocked.append(route.request.url)
        route.abort("internetdisconnected")

    phones["m05"].route("**/api/rounds/*/ballots", offline)
    fill(phones["m05"], VOTES["m05"])
    phones["m05"].locator("#cast").click()
    expect(phones["m05"].locator("#send-retry")).to_contain_text("Chưa gửi được")
    stored = phones["m05"].evaluate("""() => Object.keys(localStorage)
        .filter((k) => k.startsWith("phieukin:pending:")).map((k) => JSON.parse(localStorage.getItem(k)))""")
    ballot = json.loads(stored[0]["ballot"])
    assert set(ballot) == {"round", "nonce", "key", "choices"} and ballot["round"] == round_id
    assert set(ballot["choices"]) == {r["id"] for r in ROSTER}  # every question, blanks included
    assert "HTTNV" not in stored[0]["ballot"] and len(ballot["choices"]["m01"]["ciphertexts"]) == 4
    phones["m05"].unroute("**/api/rounds/*/ballots")
    phones["m05"].reload()

    for key in ("m01", "m02", "m03", "m04"):
        fill(phones[key], VOTES[key])
        phones[key].locator("#cast").click()
    tracking = {}
    for key, page in phones.items():
        expect(page.locator("#tracking-code")).to_have_text(TRACKING)
        tracking[key] = page.locator("#tracking-code").inner_text()
    assert blocked
    expect(host.locator("#host-turnout")).to_contain_text("5/5 đã bỏ phiếu")

    # --- closing: the round waits for the committee ------------------------------------------
    host.locator("#close-round").click()
    host.locator("#confirm-close").click()
    expect(projector.locator("#counting-note")).to_have_text("Đang chờ ban kiểm phiếu giải mã kết quả")
    expect(phones["m04"].locator("#counting")).to_contain_text("đang chờ ban kiểm phiếu giải mã")
    counting = card.locator(f'.counting-round[data-round="{round_id}"]')
    expect(counting.locator(".decryption-count")).to_have_text("Đã có 1/2 phần giải mã cần thiết.")
    expect(counting.locator(".sent")).to_have_text("Đã gửi: 1. Nguyễn Văn An")
    expect(counting.locator(".missing")).to_have_text("Chưa gửi: 2. Trần Thị Bình, 3. Lê Đức Cường")
    expect(host.locator("#host-counting")).to_contain_text("Đã có 1/2 phần giải mã")
    expect(trustees[1].locator(f'li[data-round="{round_id}"]')).to_contain_text("Đã gửi phần giải mã (5 phiếu)")
    trustees[1].evaluate("() => window.scrollTo(0, 0)")
    trustees[1].screenshot(path=str(SCREENSHOTS / "phieukin-trustee-counting-360.png"), full_page=True)
    # Voiding asks first; not now.
    counting.locator("#void-round").click()
    expect(counting.locator("[role=alertdialog]")).to_contain_text("không được tính")
    counting.get_by_role("button", name="Chưa").click()
    expect(counting.locator("#void-round")).to_be_visible()
    card.screenshot(path=str(SCREENSHOTS / "phieukin-host-counting-1366.png"))

    # Trustee 3 comes back: its phone checks the tally and decrypts; the results appear.
    trustees[3] = _watch(phones["m03"].context.new_page(), errors, "trustee 3 again")
    trustees[3].goto(f"{lan}/trustee")
    expect(projector.locator("#slide table.results")).to_be_visible(timeout=30_000)
    expect(host.locator("#proposal table.results tbody tr")).to_have_count(5)
    expect(host.locator('#proposal tr[data-member="m01"]')).to_contain_text("HTXSNV")
    expect(phones["m01"].locator("#counted")).to_have_text("Phiếu của đồng chí đã được tính ✓")
    expect(card.locator(".counting-round")).to_have_count(0)
    board = api.get(f"{base}/api/rounds/{round_id}/board").json()
    assert board["ballots_cast"] == 5 and sorted(board["tracking_codes"]) == sorted(tracking.values())
    # The decrypted totals are exactly the five phones' choices.
    expected = {m["id"]: dict.fromkeys(("HTXSNV", "HTTNV", "HTNV", "KHTNV"), 0) for m in ROSTER}
    for choices in VOTES.values():
        for question, level in choices.items():
            expected[question][level] += 1
    tally = api.get(f"{base}/api/meetings/{meeting_id}/public").json()["round"]["tally"]
    assert tally == {"ballots": 5, "votes": expected}

    # --- certified ----------------------------------------------------------------------------
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Chứng thực kết quả").click()
    expect(host.locator("#certify-card h2")).to_have_text("Đã chứng thực")
    expect(projector.locator("#certified")).to_contain_text("Đã chứng thực")
    # The đảng ủy's check, as its clerk runs it: `ballot verify` with the chi bộ's fingerprint.
    bundle_file = tmp_path / "goi.json"
    bundle_file.write_bytes(api.get(f"{base}/api/host/meetings/{meeting_id}/bundle").content)
    fingerprint = api.get(f"{base}/api/host/certification-key").json()["fingerprint"]
    verified = subprocess.run([sys.executable, "-m", "ballot.cli", "verify", str(bundle_file),
                               "--fingerprint", fingerprint], capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Bằng chứng của phiếu mã hóa" in verified.stdout and "Giải mã của ban kiểm phiếu" in verified.stdout
    trustees[1].bring_to_front()  # the trustee's tab, where its confirmation dialog opens
    trustees[1].once("dialog", lambda dialog: dialog.accept())
    trustees[1].locator("#erase-key").click(timeout=30_000)
    expect(trustees[1].locator("#erased")).to_contain_text("không còn giữ khóa")
    assert trustees[1].evaluate("""() => Object.keys(localStorage)
        .filter((k) => k.startsWith("phieukin:trustee:"))""") == []
    assert errors == []
