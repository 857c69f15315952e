"""The real pages in headless Chromium: a host console,
the projector and phones run a whole meeting to the proposal over a live server.

Playwright for Python drives Debian's `chromium` (/usr/bin/chromium, installed
by .ci/run). Where the browser or the Playwright package is missing the test is
skipped on a developer's machine and FAILS when the CI variable is set, so CI
can never pass without having run it. Synchronisation is by Playwright's
auto-waiting assertions only, never by sleeping.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ballot.config import load_settings
from ballot.server import build
from tests.meeting_kit import HOST_PASSWORD, HOST_USER
from tests.server_process import free_port

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # judged in _require_browser: skip locally, fail in CI
    expect = sync_playwright = None

ROOT = Path(__file__).resolve().parent.parent
# The sample the console offers for the meeting's profile (scripts/make_roster_samples.py).
SAMPLE_ROSTER = ROOT / "examples" / "roster-sample-21-HD-2019.xlsx"
CHROMIUM = Path("/usr/bin/chromium")
# Phones reach the server by a LAN-like name, not 127.0.0.1: an http:// origin
# that is not loopback is not a secure context, so the page runs as on a meeting
# LAN, without crypto.subtle. The name resolves to loopback inside Chromium only.
LAN_NAME = "phieukin-lan.test"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1"]
TRACKING = re.compile(r"^[A-Z2-7]{5}-[A-Z2-7]{5}$")
SCREENSHOTS = Path(os.environ.get("PHIEUKIN_SCREENSHOTS", "/tmp"))
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


def _require_browser() -> None:
    problems = []
    if sync_playwright is None:
        problems.append("the Python package playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if problems:
        message = "browser tests cannot run: " + "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def live_server(tmp_path):
    """The real app with its Socket.IO channel on a free loopback port."""
    _require_browser()
    port = free_port()
    # Phones reach the laptop at its LAN name (mapped to loopback for Chromium): the
    # address join links and slips carry, whatever address the console was opened on.
    server = build(load_settings(tmp_path, public_url=f"http://{LAN_NAME}:{port}"))
    server.services.create_host(HOST_USER, HOST_PASSWORD)
    server.listening("127.0.0.1", port)
    http = make_server("127.0.0.1", port, server.app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(10)


@pytest.fixture
def browser(live_server):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        expect.set_options(timeout=20_000)
        yield chromium
        chromium.close()


def _watch(page, errors: list[str], name: str):
    page.on("pageerror", lambda exc: errors.append(f"{name}: {exc}"))
    return page


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


def test_a_whole_meeting_in_real_browsers(live_server, browser, tmp_path):
    base = live_server
    errors: list[str] = []

    # --- the host logs in, creates the meeting, imports the roster ------------------------
    host_context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    host = _watch(host_context.new_page(), errors, "host")
    host.goto(f"{base}/host")
    host.fill("#username", HOST_USER)
    host.fill("#password", HOST_PASSWORD)
    host.get_by_role("button", name="Đăng nhập").click()
    expect(host.locator("#create-form")).to_be_visible()
    host.fill("#f-branch", "Chi bộ Phòng Tổng hợp")
    host.fill("#f-title", "Hội nghị kiểm điểm, xếp loại chất lượng đảng viên năm 2026")
    host.fill("#f-date", "2026-12-15")
    host.select_option("#f-profile", "21-HD-2019")
    # The kind has no default (a chi bộ cơ sở left without it got an advisory cap): the
    # form does not go until it is chosen.
    host.get_by_role("button", name="Tạo cuộc họp").click()
    expect(host.locator("#f-kind:invalid")).to_have_count(1)
    expect(host.locator("#create-form")).to_be_visible()
    host.select_option("#f-kind", "chi_bo_truc_thuoc")
    host.locator("#f-more summary").click()
    host.fill("#f-threshold-HTXSNV", "1/2")  # the default, written as a fraction
    host.select_option("#f-accumulation", "khtnv")
    host.get_by_role("button", name="Tạo cuộc họp").click()
    expect(host.locator("#meeting")).to_be_visible()
    expect(host.locator("#m-settings")).to_contain_text("HTXSNV quá 1/2")
    expect(host.locator("#m-settings")).to_contain_text("ghi rõ “chỉ đạt do cộng dồn”")
    meeting_id = re.search(r"#m=([0-9a-f]+)$", host.url).group(1)

    # The import area offers the sample of the meeting's own profile.
    expect(host.locator("#sample-profile")).to_have_text("21-HD-2019")
    with host.expect_download() as download:
        host.locator("#sample-xlsx").click()
    assert download.value.suggested_filename == "roster-sample-21-HD-2019.xlsx"
    assert Path(download.value.path()).read_bytes() == SAMPLE_ROSTER.read_bytes()
    # A file as an office has it, with two bad rows: every error at once, named by the
    # file's own columns; the unused column is named back after a good import.
    bad_roster = tmp_path / "sai.csv"
    bad_roster.write_text("Danh sách đảng viên\nHọ và tên,Đảng viên chính thức/dự bị,Ngày vào Đảng,Ghi chú\n"
                          "Ngô Văn Hải,đảng viên,01/01/2000,\nĐỗ Thị Lan,Chính thức,31/02/2001,\n", encoding="utf-8")
    host.set_input_files("#roster-file", str(bad_roster))
    host.get_by_role("button", name="Nhập danh sách").click()
    expect(host.locator("#roster-error li")).to_have_count(2)
    expect(host.locator("#roster-error li").nth(0)).to_contain_text("dòng 3: Đảng viên chính thức/dự bị: “đảng viên”")
    expect(host.locator("#roster-error li").nth(1)).to_contain_text("dòng 4: Ngày vào Đảng: “31/02/2001”")
    good_roster = tmp_path / "dung.csv"
    good_roster.write_text("Họ và tên,Loại đảng viên,Ngày vào Đảng,Ghi chú\nNgô Văn Hải,Chính thức,01/01/2000,\n",
                           encoding="utf-8")
    host.set_input_files("#roster-file", str(good_roster))
    host.get_by_role("button", name="Nhập danh sách").click()
    expect(host.locator("#roster-notice")).to_have_text("Cột không dùng: Ghi chú.")
    expect(host.locator("#members tr[data-member]")).to_have_count(1)

    host.set_input_files("#roster-file", str(SAMPLE_ROSTER))
    host.get_by_role("button", name="Nhập danh sách").click()
    expect(host.locator("#members tr[data-member]")).to_have_count(8)
    host.reload()  # the meeting (in the address) and the CSRF token survive a reload
    expect(host.locator("#members tr[data-member]")).to_have_count(8)
    meeting_code = host.locator("#meeting-code").inner_text()
    # This laptop is on the projector: no personal code in the table until asked for one.
    expect(host.locator("#members .personal-code:visible")).to_have_count(0)
    codes = {}
    for key in ("m01", "m02", "m03", "m04"):
        host.locator(f'tr[data-member="{key}"] .show-code').click()
        code = host.locator(f'tr[data-member="{key}"] .personal-code')
        expect(code).to_have_text(re.compile(r"^\w{4} \w{4}$"))
        codes[key] = code.inner_text().replace(" ", "")
        host.locator(f'tr[data-member="{key}"] .show-code').click()
        expect(code).to_be_hidden()
    assert not any(code in host.locator("#members").inner_text() for code in codes.values())
    host.select_option('tr[data-member="m03"] select[name=presence]', "present")
    expect(host.locator("#present-count")).to_have_text("1/8")

    slips = _watch(host_context.new_page(), errors, "slips")
    slips.goto(f"{base}/host/meetings/{meeting_id}/slips")
    expect(slips.locator(".slip")).to_have_count(8)
    expect(slips.locator('.slip[data-member="m01"] .slip-code')).to_have_text(
        f"{codes['m01'][:4]} {codes['m01'][4:]}")
    slips.close()

    # --- the projector shows how to join ------------------------------------------------------
    projector = _watch(browser.new_context(viewport={"width": 1600, "height": 900}).new_page(),
                       errors, "projector")
    projector.goto(f"{base}/projector/{meeting_id}")
    expect(projector.locator("#meeting-code")).to_have_text(meeting_code)
    expect(projector.locator("#join-url")).to_have_text(f"{base.split('://')[1]}/j/{meeting_code}".replace(
        "127.0.0.1", LAN_NAME))
    assert projector.locator("#lobby img.qr").evaluate("img => img.complete && img.naturalWidth > 0")

    # --- three phones join with their personal codes (m04 is dự bị) --------------------------
    lan = base.replace("127.0.0.1", LAN_NAME)

    def phone(key: str):
        page = _watch(browser.new_context(**PHONE).new_page(), errors, f"phone {key}")
        page.goto(f"{lan}/j/{meeting_code}?c={codes[key]}")
        assert page.evaluate("() => [isSecureContext, typeof crypto.subtle]") == [False, "undefined"]
        expect(page.locator("#personal-code")).to_have_value(codes[key])
        page.get_by_role("button", name="Vào cuộc họp").click()
        expect(page.locator("#waiting")).to_be_visible()
        assert "?c=" not in page.url  # the personal code leaves the address bar
        return page

    voter1, voter2, probationer = phone("m01"), phone("m02"), phone("m04")
    late = phone("m03")  # will still be on the review page when the round closes
    # What the secret ballot protects, and what remains while a round is open, in plain words.
    voter1.get_by_text("Về bí mật phiếu").click()
    expect(voter1.locator("#secrecy-help")).to_contain_text("trong lúc vòng đang mở")
    voter1.get_by_text("Về bí mật phiếu").click()
    expect(probationer.locator("#probation")).to_contain_text("không biểu quyết")
    expect(host.locator("#present-count")).to_have_text("4/8")
    expect(projector.locator("#attendance")).to_contain_text("Đã có mặt 4/8")

    # A fourth phone chooses a name instead; the host refuses it.
    stranger = _watch(browser.new_context(**PHONE).new_page(), errors, "phone by name")
    stranger.goto(f"{lan}/j/{meeting_code}")
    stranger.fill("#personal-code", "ZZZZ-ZZZZ")
    stranger.get_by_role("button", name="Vào cuộc họp").click()
    expect(stranger.locator("#view .error")).to_have_text("Mã cá nhân không đúng.")
    stranger.get_by_role("button", name="Chọn tên của tôi (chủ tọa sẽ xác nhận)").click()
    stranger.fill("#name-search", "bui ngoc")
    stranger.get_by_role("button", name="Bùi Ngọc Lan").click()
    stranger.get_by_role("button", name="Đúng, gửi yêu cầu").click()
    expect(stranger.locator("#view h1")).to_have_text("Đang chờ chủ tọa xác nhận")
    pending = host.locator("#checkins li", has_text="Bùi Ngọc Lan")
    pending.get_by_role("button", name="Từ chối").click()
    expect(stranger.locator("#view .error")).to_contain_text("Chủ tọa chưa chấp nhận")
    expect(host.locator("#checkins")).to_contain_text("Không có ai đang chờ")

    # --- the host opens a classification round -----------------------------------------------
    host.get_by_role("button", name="Tạo vòng xếp loại đảng viên").click()
    host.get_by_role("button", name="Mở vòng bỏ phiếu").click()
    expect(host.locator("#host-turnout")).to_have_text("0/3 đã bỏ phiếu · 0 đã nhận phiếu")
    round_id = host.locator("#rounds-history tr[data-round]").last.get_attribute("data-round")
    expect(projector.locator("#turnout")).to_have_text("0/3 đã bỏ phiếu")

    for page in (voter1, voter2):
        expect(page.locator("#ballot fieldset.question")).to_have_count(4)  # m01 to m04 present
    expect(voter1.locator('fieldset[data-question="m01"] .proposals')).to_have_text(
        "Tự nhận: HTXSNV · Chi ủy đề xuất: HTTNV")
    expect(probationer.locator("#probation")).to_be_visible()
    expect(probationer.locator("#ballot")).to_have_count(0)

    def fill(page, choices: dict[str, str]) -> None:
        for question, level in choices.items():
            page.locator(f'fieldset[data-question="{question}"] .choice.lvl-{level}').click()
        expect(page.locator("#chosen-count")).to_have_text(f"Đã chọn {len(choices)}/4")

    # Voter 1's signing answer is lost after the server issued the signature: the phone
    # asks again with the blinded ballot it kept and gets that same signature back.
    signs: list[str | None] = []

    def lost_signature(route):
        signs.append(route.request.post_data)
        answer = route.fetch(url=route.request.url.replace(LAN_NAME, "127.0.0.1"))
        if len(signs) == 1:
            route.abort("connectionreset")  # issued, and the phone never hears back
        else:
            route.fulfill(response=answer)

    voter1.route("**/api/rounds/*/sign", lost_signature)
    # Voter 1 ticks three members, leaves m04 blank, reviews and casts.
    fill(voter1, {"m01": "HTXSNV", "m02": "HTTNV", "m03": "HTNV"})
    voter1.evaluate("() => window.scrollTo(0, 0)")
    voter1.screenshot(path=str(SCREENSHOTS / "phieukin-phone-ballot.png"))
    voter1.locator("#to-review").click()
    expect(voter1.locator('.review li[data-question="m04"]')).to_contain_text("Để trống")
    voter1.locator("#cast").click()
    expect(voter1.locator("#tracking-code")).to_have_text(TRACKING)
    code1 = voter1.locator("#tracking-code").inner_text()
    assert len(signs) == 2 and signs[0] == signs[1]  # the same blinded ballot, asked twice
    assert voter1.evaluate("""() => Object.keys(localStorage)
        .filter((k) => k.startsWith("phieukin:signing:")).length""") == 0

    # One member, one phone: the same member's code on another phone waits for the host, the
    # first phone is warned, and the host cannot move a member who holds this round's ballot.
    other = _watch(browser.new_context(**PHONE).new_page(), errors, "m01's other phone")
    other.goto(f"{lan}/j/{meeting_code}?c={codes['m01']}")
    other.get_by_role("button", name="Vào cuộc họp").click()
    expect(other.locator("#other-phone")).to_contain_text("đã có mặt trên một điện thoại khác")
    expect(voter1.locator("#state-error")).to_have_text(
        "Một điện thoại khác đã vào bằng tên của đồng chí; hãy báo chủ tọa.")
    second = host.locator("#checkins li.second-phone")
    expect(second).to_contain_text(re.compile(r"đã có mặt trên một điện thoại khác từ \d\d:\d\d"))
    second.get_by_role("button", name="Chuyển sang điện thoại này").click()
    expect(host.locator("#flash")).to_contain_text("không thể chuyển sang điện thoại khác trong vòng này")
    host.locator("#checkins li.second-phone").get_by_role("button", name="Từ chối").click()
    expect(host.locator("#checkins li.second-phone")).to_have_count(0)
    expect(voter1.locator("#state-error")).to_have_text("")
    other.context.close()

    # Voter 2 casts; the first delivery reaches the server but its answer is lost,
    # then the page reloads and the stored ballot goes again, counted once.
    deliveries: list[tuple[str, int | None]] = []
    reloaded = threading.Event()

    def lossy(route):
        sent = route.request.all_headers()
        assert "cookie" not in sent and "referer" not in sent  # the ballot names nobody
        # Playwright fetches from outside the browser, where LAN_NAME does not resolve.
        server_url = route.request.url.replace(LAN_NAME, "127.0.0.1")
        if not deliveries:
            answer = route.fetch(url=server_url)  # the server stores the ballot...
            deliveries.append(("lost", answer.status))
            route.abort("connectionreset")  # ...and the phone never hears back
        elif not reloaded.is_set():
            deliveries.append(("aborted", None))
            route.abort("internetdisconnected")
        else:
            answer = route.fetch(url=server_url)
            deliveries.append(("resent", answer.status))
            route.fulfill(response=answer)

    voter2.route("**/api/rounds/*/ballots", lossy)
    fill(voter2, {"m01": "HTTNV", "m02": "HTTNV", "m03": "HTNV", "m04": "HTNV"})
    # A tap on the chosen level again leaves that member blank; a reload keeps every tick.
    voter2.locator('fieldset[data-question="m03"] .choice.lvl-HTNV').click()
    expect(voter2.locator("#chosen-count")).to_have_text("Đã chọn 3/4")
    voter2.locator('fieldset[data-question="m03"] .choice.lvl-HTTNV').click()
    voter2.reload()
    expect(voter2.locator("#chosen-count")).to_have_text("Đã chọn 4/4")
    expect(voter2.locator('fieldset[data-question="m03"] .choice.lvl-HTTNV')).to_have_attribute("aria-pressed", "true")
    # The server is busy at the first press: the member sees why at the button pressed.
    busy = []

    def busy_once(route):
        if busy:
            route.continue_()
            return
        busy.append(1)
        route.fulfill(status=503, content_type="application/json",
                      body=json.dumps({"error": {"code": "busy", "message": "Máy chủ đang bận."}}))

    voter2.route("**/api/rounds/*/sign", busy_once)
    voter2.locator("#to-review").click()
    voter2.locator('.review li[data-question="m02"] button').click()  # a line taps back to its member
    expect(voter2.locator('fieldset[data-question="m02"]')).to_be_in_viewport()
    voter2.locator("#to-review").click()
    voter2.locator("#cast").click()
    expect(voter2.locator("#cast-error")).to_contain_text("Máy chủ đang bận.")
    expect(voter2.locator("#cast-error")).to_be_in_viewport()
    voter2.locator("#cast").click()
    expect(voter2.locator("#send-retry")).to_contain_text("Chưa gửi được")
    stored = voter2.evaluate("""() => Object.keys(localStorage)
        .filter((k) => k.startsWith("phieukin:pending:"))
        .map((k) => JSON.parse(localStorage.getItem(k)))""")
    assert [entry["round"] for entry in stored] == [round_id]
    assert json.loads(stored[0]["ballot"])["choices"]["m04"] == "HTNV"
    reloaded.set()
    voter2.reload()
    expect(voter2.locator("#tracking-code")).to_have_text(TRACKING)
    code2 = voter2.locator("#tracking-code").inner_text()
    assert deliveries[0] == ("lost", 201)
    assert [d for d in deliveries if d[0] == "resent"] == [("resent", 200)]  # idempotent resend
    assert voter2.evaluate("""() => Object.keys(localStorage)
        .filter((k) => k.startsWith("phieukin:pending:")).length""") == 0

    board = _get_json(f"{base}/api/rounds/{round_id}/board")
    assert board["ballots_cast"] == 2
    assert board["tracking_codes"] is None  # codes appearing one by one would time the ballots
    expect(projector.locator("#turnout")).to_have_text("2/3 đã bỏ phiếu")
    expect(host.locator("#host-turnout")).to_have_text("2/3 đã bỏ phiếu · 2 đã nhận phiếu")
    expect(host.locator('tr[data-member="m01"] td.waiting')).to_have_text("")
    expect(host.locator('tr[data-member="m03"] td.waiting')).to_have_text("●")
    expect(host.locator("#host-waiting")).to_have_text("Còn 1 đồng chí chưa nhận phiếu: Lê Đức Cường.")
    # While the round is open no screen shows how anyone was voted on, the host's included.
    expect(projector.locator(".tally, table.results")).to_have_count(0)

    # --- the host closes the round ------------------------------------------------------------
    fill(late, {"m01": "HTNV"})
    late.locator("#to-review").click()
    host.locator("#close-round").click()
    host.locator("#confirm-close").click()
    expect(host.locator("#proposal-card")).to_be_visible()
    expect(host.locator("#proposal table.results tbody tr")).to_have_count(8)
    expect(host.locator('#proposal tr[data-member="m06"]')).to_contain_text("Vắng mặt")
    expect(host.locator('#proposal tr[data-member="m07"] .reasons')).to_contain_text("[II.B.")
    expect(host.locator("#rules-version")).to_contain_text("phiên bản cách đọc quy tắc 2")

    # The projector turns its pages by itself; the host pauses it and steps through them all.
    expect(projector.locator("#slide table.results")).to_be_visible()
    projector.locator("#pause").click()
    rows, codes, room_text = {}, [], []
    for _ in range(int(projector.locator("#page-info").inner_text().split("/")[1])):
        for row in projector.locator("#slide table.results tbody tr").all():
            rows[row.get_attribute("data-member")] = row.inner_text()
        codes += projector.locator("#slide .codes li").all_inner_texts()
        room_text.append(projector.locator("body").inner_text())
        projector.locator("#next").click()
    assert sorted(rows) == [f"m{i:02d}" for i in range(1, 9)]
    assert "Chưa xác định" in rows["m02"]
    assert codes == sorted([code1, code2])
    # The room sees levels, counts and short public notes: no roster fact, no field name
    # (m05 was disciplined, m07 exempt, m08 on sick leave; m01 is a rated civil servant).
    room_text = "\n".join(room_text)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", room_text), room_text
    for private in ("ốm", "thai sản", "kỷ luật", "miễn", "công chức", "khắc phục", r"(?<!kiểm )điểm"):
        assert not re.search(private, room_text.lower()), private
    for _ in range(5):
        if projector.locator("#slide .codes").count():
            break
        projector.locator("#next").click()
    projector.screenshot(path=str(SCREENSHOTS / "phieukin-projector-results.png"), full_page=True)

    expect(voter1.locator("#view h1")).to_contain_text("đã kết thúc")
    expect(voter1.locator("#counted")).to_have_text("Phiếu của đồng chí đã được tính ✓")
    expect(late.locator("#not-counted")).to_contain_text("không được tính")
    expect(voter1.locator("#tracking-code")).to_have_text(code1)
    board = _get_json(f"{base}/api/rounds/{round_id}/board")
    assert board["ballots_cast"] == 2 and board["tracking_codes"] == sorted([code1, code2])

    # --- the host certifies and downloads the minutes ---------------------------------
    # The key that will sign is shown before certifying, as the server printed it at start.
    expect(host.locator("#certify-card .fingerprint strong")).to_have_text(
        re.compile(r"^[0-9A-F]{4}( [0-9A-F]{4}){15}$"))
    fingerprint = host.locator("#certify-card .fingerprint strong").inner_text()
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Chứng thực kết quả").click()
    expect(host.locator("#certify-card h2")).to_have_text("Đã chứng thực")
    expect(host.locator("#certify-card .fingerprint strong")).to_have_text(fingerprint)
    with host.expect_download() as download_info:
        host.get_by_role("button", name="Biên bản và danh sách đề xuất (.pdf)").click()
    pdf_path = download_info.value.path()
    assert pdf_path is not None and open(pdf_path, "rb").read(5) == b"%PDF-"
    assert errors == []


# --- the console prevents mistakes --------------------------------------------------------


def _api_host(base: str):
    """The host over plain HTTP, to set a meeting up quickly for a browser to take over."""
    import requests

    session = requests.Session()
    login = session.post(f"{base}/api/host/login", json={"username": HOST_USER, "password": HOST_PASSWORD})
    session.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return session


def test_the_console_prevents_mistakes_and_freezes_once_certified(live_server, browser):
    from tests.meeting_kit import REVIEW_DATE, ROSTER

    base, errors = live_server, []
    api = _api_host(base)
    meeting = api.post(f"{base}/api/host/meetings", json={
        "branch_name": "Chi bộ Phòng Tổng hợp", "title": "Kiểm điểm cuối năm 2026",
        "date": REVIEW_DATE.isoformat(), "profile": "21-HD-2019", "organisation_kind": "chi_bo_truc_thuoc",
    }).json()["meeting"]
    assert api.post(f"{base}/api/host/meetings/{meeting['id']}/roster", json={"members": ROSTER}).ok

    # A browser that never opened the meeting lists it from the server.
    host = _watch(browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN").new_page(),
                  errors, "host")
    host.goto(f"{base}/host")
    host.fill("#username", HOST_USER)
    host.fill("#password", HOST_PASSWORD)
    host.get_by_role("button", name="Đăng nhập").click()
    listed = host.locator(f'#recent li[data-meeting="{meeting["id"]}"]')
    expect(listed).to_contain_text("Chi bộ Phòng Tổng hợp")
    listed.get_by_role("link").click()
    expect(host.locator("#members tr[data-member]")).to_have_count(5)

    # The chi bộ's own round waits for its members' results; a round cannot open without quorum.
    host.select_option('tr[data-member="m01"] select[name=presence]', "present")
    expect(host.locator("#present-count")).to_have_text("1/5")
    expect(host.locator('#round-panel button[data-kind="organisation"]')).to_be_disabled()
    expect(host.locator("#round-panel .refusal").first).to_contain_text("vòng xếp loại đảng viên")
    host.get_by_role("button", name="Tạo vòng xếp loại đảng viên").click()
    expect(host.locator("#open-round")).to_be_disabled()
    expect(host.locator("#open-refusal")).to_contain_text("hiện có 1/4")
    # A round made too early is deleted rather than left in the minutes.
    host.get_by_role("button", name="Xóa vòng này").click()
    expect(host.locator("#round-panel button[data-kind=classification]")).to_be_enabled()

    # Everyone present at once, but m05 is away when the ballot is made, and arrives late.
    host.get_by_role("button", name="Đánh dấu 4 đồng chí còn lại có mặt").click()
    expect(host.locator("#present-count")).to_have_text("5/5")
    expect(host.locator("#mark-all-present")).to_have_count(0)
    host.select_option('tr[data-member="m05"] select[name=presence]', "absent")
    expect(host.locator("#present-count")).to_have_text("4/5")
    host.get_by_role("button", name="Tạo vòng xếp loại đảng viên").click()
    host.get_by_role("button", name="Mở vòng bỏ phiếu").click()
    expect(host.locator("#host-turnout")).to_contain_text("0/3 đã bỏ phiếu")
    host.select_option('tr[data-member="m05"] select[name=presence]', "present")
    expect(host.locator("#not-on-ballot")).to_contain_text(
        "Đồng chí Hoàng Minh Đạt không có trong phiếu của vòng xếp loại đã tạo; cần một vòng bổ sung")

    # Closing says how many have not voted.
    host.locator("#close-round").click()
    expect(host.locator("#close-question")).to_contain_text("Còn 4 đồng chí chưa bỏ phiếu (0/4 đã bỏ).")
    expect(host.locator("#close-question")).to_contain_text("sẽ không được tính")
    expect(host.locator("#close-question")).not_to_contain_text("khóa")
    host.screenshot(path=str(SCREENSHOTS / "phieukin-host-close.png"))
    host.locator("#confirm-close").click()
    expect(host.locator("#proposal-card")).to_be_visible()

    # Certified: every control that would change the meeting is disabled and says why.
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Chứng thực kết quả").click()
    expect(host.locator("#certify-card h2")).to_have_text("Đã chứng thực")
    expect(host.locator("#frozen")).to_contain_text("đã được chứng thực")
    expect(host.locator("#round-panel")).to_contain_text("không tạo hay mở thêm vòng bỏ phiếu")
    for control in ('tr[data-member="m02"] select[name=presence]', "#roster-file"):
        expect(host.locator(control)).to_be_disabled()
        expect(host.locator(control)).to_have_attribute("title", re.compile("đã được chứng thực"))
    expect(host.locator("#mark-all-present")).to_have_count(0)
    host.goto(f"{base}/host")
    expect(host.locator(f'#recent li[data-meeting="{meeting["id"]}"]')).to_contain_text("đã chứng thực")

    # A phone with a mistyped code hears it at once, and retyping the code (any case) joins.
    phone = _watch(browser.new_context(**PHONE).new_page(), errors, "phone")
    answer = phone.goto(f"{base}/J/ZZZZZZ")
    assert answer.status == 404
    expect(phone.locator("#view h1")).to_have_text("Không có cuộc họp với mã này")
    expect(phone.locator("#personal-code")).to_have_count(0)
    phone.fill("#meeting-code", meeting["code"].lower())
    phone.get_by_role("button", name="Tiếp tục").click()
    expect(phone.locator("#personal-code")).to_be_visible()
    assert phone.url.endswith(f"/j/{meeting['code']}")
    assert errors == []


# --- the projector fits any room --------------------------------------------------------

SCREENS = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}
# Text the room reads is at least 2.5% of the screen's height (docs: static/css/app.css,
# "projector"): 27 px at 1080 lines, 18 px at 720.
SMALL_TEXT = """() => {
  const least = innerHeight * 0.025 - 0.5;
  const small = [];
  for (const el of document.querySelectorAll("#stage *, .p-head *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own && el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < least) {
      small.push(`${el.tagName} ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  return small;
}"""
OVERFLOW = """() => {
  const root = document.scrollingElement;
  const slide = document.querySelector("#slide");
  return {page: root.scrollHeight > innerHeight || root.scrollWidth > innerWidth,
          slide: slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1};
}"""


@pytest.fixture
def projector_meeting(tmp_path):
    """A live server and its services, for meetings built through the API in-process."""
    _require_browser()
    from tests.meeting_kit import Host

    port = free_port()
    server = build(load_settings(tmp_path, public_url=f"http://{LAN_NAME}:{port}"))
    server.services.create_host(HOST_USER, HOST_PASSWORD)
    server.listening("127.0.0.1", port)
    http = make_server("127.0.0.1", port, server.app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", server, Host(server.app.test_client())
    http.shutdown()
    thread.join(10)


@pytest.mark.parametrize("members", [30, 300])
def test_every_projector_view_fits_the_screen_and_reads_from_the_back(projector_meeting, members):
    from tests.meeting_kit import phone_for

    base, server, host = projector_meeting
    roster = [{"id": f"d{i:03d}", "name": f"Nguyễn Thị Phương Thảo {i}", "status": "chinh_thuc",
               "admitted_on": "2000-01-01", "role": "Chuyên viên phòng Tổng hợp", "present": True}
              for i in range(1, members + 1)]
    meeting = host.new_meeting(roster)
    meeting_id = meeting["meeting"]["id"]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        expect.set_options(timeout=20_000)
        pages = {name: chromium.new_context(viewport=size, locale="vi-VN").new_page()
                 for name, size in SCREENS.items()}
        for page in pages.values():
            page.goto(f"{base}/projector/{meeting_id}")

        def check(where: str) -> None:
            for name, page in pages.items():
                assert page.evaluate(OVERFLOW) == {"page": False, "slide": False}, (where, name)
                assert page.evaluate(SMALL_TEXT) == [], (where, name)

        for page in pages.values():
            expect(page.locator("#meeting-code")).to_be_visible()
        check("lobby")
        round_id = host.run_round(meeting_id)
        for page in pages.values():
            expect(page.locator("#remaining")).to_have_text(f"Còn {members} đồng chí chưa bỏ phiếu")
        check("voting")
        voters = min(40, members)
        for key in [m["id"] for m in roster][:voters]:
            phone_for(server, meeting, key).vote({"d001": "HTXSNV", "d002": "HTTNV"})
        host.ok("POST", f"/api/host/rounds/{round_id}/close")
        for name, page in pages.items():
            expect(page.locator("#slide table.results")).to_be_visible()
            page.locator("#pause").click()
            shown, codes = set(), []
            total = int(page.locator("#page-info").inner_text().split("/")[1])
            for _ in range(total):
                check(f"closed page {page.locator('#page-info').inner_text()}")
                shown.update(page.locator("#slide tbody tr").evaluate_all("rows => rows.map(r => r.dataset.member)"))
                codes += page.locator("#slide .codes li").all_inner_texts()
                page.locator("#next").click()
            # Every member and every code is on some page, none cut off.
            assert shown == {m["id"] for m in roster}, name
            assert len(codes) == voters and codes == sorted(codes), name
        host.ok("POST", f"/api/host/meetings/{meeting_id}/certify")
        for page in pages.values():
            expect(page.locator("#certified")).to_have_text(re.compile(
                r"^✓ Đã chứng thực · mã gói [0-9A-F]{4}( [0-9A-F]{4}){3}$"))
            page.locator("#theme").click()  # the dark theme for a bright hall fits as well
            page.locator("#show-join").click()  # late arrivals can still join
            expect(page.locator("#lobby .qr")).to_be_visible()
        check("certified, dark, join")
        if members == 30:
            for name, page in pages.items():
                page.screenshot(path=str(SCREENSHOTS / f"phieukin-projector-join-dark-{name}.png"))
        chromium.close()


def test_a_phone_follows_a_round_from_the_room_s_push_without_asking_its_state(projector_meeting):
    """When a round opens, every phone of the room would ask for its state at once: the
    push names the open round and its form's version, and the member's own part does not
    move with a round, so the phone fetches only the form (docs/protocol.md, GET /api/state).
    A proposal the host corrects while the round is open reaches the ballot the same way."""
    base, server, host = projector_meeting
    meeting = host.new_meeting()
    meeting_id, code = meeting["meeting"]["id"], meeting["meeting"]["code"]
    personal = next(m["personal_code"] for m in meeting["members"] if m["id"] == "m01")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        expect.set_options(timeout=20_000)
        errors: list[str] = []
        phone = _watch(chromium.new_context(**PHONE).new_page(), errors, "phone")
        asked: list[str] = []
        phone.on("requestfinished", lambda request: asked.append(request.url.split("?")[0].removeprefix(base)))
        phone.goto(f"{base}/j/{code}?c={personal}")
        phone.get_by_role("button", name="Vào cuộc họp").click()
        expect(phone.locator("#waiting")).to_be_visible()
        # Its state on opening the page, after joining, and on its live channel's first push.
        while asked.count("/api/state") < 3:
            phone.wait_for_event("requestfinished", timeout=20_000)
        host.mark_present(meeting_id, "m02", "m03")  # a quorum: 3 of the 4 full members
        round_id = host.run_round(meeting_id)
        expect(phone.locator('#ballot fieldset[data-question="m02"]')).to_be_visible()
        # The chi ủy corrects m02's proposal while the round is open.
        host.ok("PATCH", f"/api/host/meetings/{meeting_id}/members/m02", json={"committee_level": "HTXSNV"})
        while asked.count(f"/api/rounds/{round_id}/form") < 2:
            phone.wait_for_event("requestfinished", timeout=20_000)
        phone.locator('fieldset[data-question="m02"] .choice.lvl-HTTNV').click()
        phone.locator("#to-review").click()
        phone.locator('.review li[data-question="m02"] button').click()  # back to the ballot, at m02
        expect(phone.locator('fieldset[data-question="m02"] .proposals')).to_have_text(
            "Tự nhận: HTTNV · Chi ủy đề xuất: HTXSNV")
        phone.locator("#to-review").click()
        assert asked.count("/api/state") == 3
        phone.locator("#cast").click()
        expect(phone.locator("#tracking-code")).to_have_text(TRACKING)
        host.ok("POST", f"/api/host/rounds/{round_id}/close")

        # The host marks m03 absent between two rounds: the room's push has one voter
        # fewer, so m03's phone asks for its state, and the next round finds it an observer.
        other = _watch(chromium.new_context(**PHONE).new_page(), errors, "m03's phone")
        other_asked: list[str] = []
        other.on("requestfinished", lambda request: other_asked.append(request.url.split("?")[0].removeprefix(base)))
        other.goto(f"{base}/j/{code}?c={next(m['personal_code'] for m in meeting['members'] if m['id'] == 'm03')}")
        other.get_by_role("button", name="Vào cuộc họp").click()
        while other_asked.count("/api/state") < 3:
            other.wait_for_event("requestfinished", timeout=20_000)
        expect(other.locator("#view h1")).to_contain_text("Vòng 1")
        second = host.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "classification"})["id"]
        host.ok("POST", f"/api/host/meetings/{meeting_id}/presence",
                json={"member_id": "m03", "present": False, "absent_with_leave": False})
        while other_asked.count("/api/state") < 4:
            other.wait_for_event("requestfinished", timeout=20_000)
        host.mark_present(meeting_id, "m05")  # the quorum again: m01, m02 and m05
        host.ok("POST", f"/api/host/rounds/{second}/open")
        expect(other.locator("#view h1")).to_contain_text("Vòng 2")
        expect(other.locator("#no-vote")).to_contain_text("không có quyền biểu quyết")
        expect(other.locator("#ballot")).to_have_count(0)
        assert errors == []
        chromium.close()


# --- the verification page cannot mislead -------------------------------------------------


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1366, "height": 768}])
def test_the_verification_page_says_valid_only_for_the_registered_key(live_server, browser, tmp_path,
                                                                      viewport):
    from tests.certify_kit import certified_meeting

    certified = certified_meeting(tmp_path / "chi-bo")
    genuine = tmp_path / "goi.json"
    genuine.write_bytes(certified.bundle_bytes)
    tampered_bundle = json.loads(certified.bundle_bytes)
    tampered_bundle["proposal"]["members"][0]["level"] = "KHTNV"
    tampered = tmp_path / "goi-bi-sua.json"
    tampered.write_text(json.dumps(tampered_bundle, ensure_ascii=False))
    errors: list[str] = []
    page = _watch(browser.new_page(viewport=viewport, locale="vi-VN"), errors, "verify")
    page.goto(f"{live_server}/verify")
    verdict = page.locator("#verdict")

    page.set_input_files("#bundle", str(genuine))
    page.get_by_role("button", name="Kiểm tra").click()
    expect(verdict).to_have_text(re.compile("^Chữ ký hợp lệ nhưng chưa xác nhận được người ký"))
    expect(verdict).to_have_class(re.compile("unconfirmed"))
    expect(page.locator("#details table").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"verify-unconfirmed-{viewport['width']}.png"), full_page=True)

    page.fill("#fingerprint", certified.bundle["signer"]["fingerprint"])
    page.get_by_role("button", name="Kiểm tra").click()
    expect(verdict).to_have_text(re.compile("^Hợp lệ"))
    expect(page.locator("#details")).to_contain_text(certified.bundle["organisation"]["name"])
    expect(page.locator("#details")).to_contain_text(" giờ ")  # local time, in words
    page.screenshot(path=str(SCREENSHOTS / f"verify-valid-{viewport['width']}.png"), full_page=True)

    page.set_input_files("#bundle", str(tampered))
    page.get_by_role("button", name="Kiểm tra").click()
    expect(verdict).to_have_text(re.compile("^Không hợp lệ"))
    expect(verdict).to_be_in_viewport()
    expect(page.locator(".failed-checks li").first).to_contain_text("Chữ ký của chi bộ trên gói")
    expect(page.locator("#details table")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / f"verify-failed-{viewport['width']}.png"), full_page=True)

    page.fill("#fingerprint", "12345")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.locator("#verify-error")).to_contain_text("Dấu vân tay khóa của chi bộ")
    assert errors == []


# --- the đảng ủy's office ---------------------------------------------------------------------


def test_the_committee_s_office_from_registry_to_the_signed_pdf(live_server, browser, tmp_path):
    """The clerk logs in, registers a chi bộ, uploads two bundles of which one (another key)
    is refused with its fingerprint, decides the chi bộ's level, certifies and downloads the PDF."""
    from ballot.services.committee import CommitteeWorkspace
    from tests.certify_kit import certified_meeting
    from tests.committee_kit import CLERK_PASSWORD, CLERK_USER

    genuine, stranger = certified_meeting(tmp_path / "chi-bo-a"), certified_meeting(tmp_path / "chi-bo-b")
    files = []
    for name, meeting in (("chi-bo-a.json", genuine), ("chi-bo-b.json", stranger)):
        files.append(tmp_path / name)
        files[-1].write_bytes(meeting.bundle_bytes)
    workspace = CommitteeWorkspace(load_settings(tmp_path))  # the live server's data directory
    workspace.init("Đảng ủy Xã Tân Hòa", "21-HD-2019")
    workspace.add_clerk(CLERK_USER, CLERK_PASSWORD)
    workspace.close()
    branch = genuine.bundle["organisation"]["name"]

    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN", accept_downloads=True)
    page = _watch(context.new_page(), errors, "committee")
    page.goto(f"{live_server}/committee")
    page.fill("#username", CLERK_USER)
    page.fill("#password", CLERK_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#work")).to_be_visible()
    expect(page.locator("#registry")).to_contain_text("Chưa đăng ký chi bộ nào.")

    page.fill("#r-name", branch)
    page.select_option("#r-kind", "chi_bo_truc_thuoc")
    page.fill("#r-fingerprint", genuine.bundle["signer"]["fingerprint"].replace(" ", ":").lower())
    page.fill("#r-confirmation", "So với bản in “ballot keys show” đồng chí bí thư ký ngày 16/12")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    expect(page.locator(f'#registry tr[data-branch="{branch}"]')).to_contain_text(
        genuine.bundle["signer"]["fingerprint"])

    page.set_input_files("#u-files", [str(f) for f in files])
    page.get_by_role("button", name="Kiểm tra và nhận").click()
    expect(page.locator("#upload-results li.accepted")).to_have_count(1)
    refused = page.locator("#upload-results li.refused")
    expect(refused).to_contain_text("chi-bo-b.json: TỪ CHỐI — Người ký")
    refused.get_by_role("button", name="Đăng ký khóa này…").click()
    expect(refused.locator(".confirm-key")).to_contain_text(stranger.bundle["signer"]["fingerprint"])
    expect(page.locator("#report-summary")).to_contain_text("1 chi bộ, 5 đảng viên")
    page.screenshot(path=str(SCREENSHOTS / "committee-upload-1366.png"), full_page=True)

    row = page.locator(f'#branch-levels tr[data-branch="{branch}"]')
    row.locator("select[name=level]").select_option("HTTNV")
    row.locator("input[name=reason]").fill("Đảng ủy xem xét, quyết định (II.B.2.5)")
    row.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(f'#branch-levels tr[data-branch="{branch}"] .final')).to_contain_text(
        "đảng ủy đã quyết định")

    page.fill("#c-resolution", "03-QĐ/ĐU")
    page.fill("#c-date", "2026-12-20")
    page.get_by_role("button", name="Ký gói của đảng ủy").click()
    issued = page.locator("#issued li.issued")
    expect(issued).to_have_count(1)
    expect(issued).to_contain_text("Số 03-QĐ/ĐU, ngày 20/12/2026")
    with page.expect_download() as download_info:
        issued.get_by_role("button", name="Tải danh sách và báo cáo (PDF)").click()
    assert download_info.value.suggested_filename.endswith(".pdf")
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    page.screenshot(path=str(SCREENSHOTS / "committee-certified-1366.png"), full_page=True)
    assert errors == []
