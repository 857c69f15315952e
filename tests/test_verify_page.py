"""The đảng ủy's verification page cannot mislead (docs/bundle.md, “Verifying a
bundle”): “Hợp lệ” only for a bundle signed by the registered chi bộ key, amber when
the signature holds but nobody said whose key it is, and a failed bundle shows what
failed and no results to copy. Plain words: names and local times, never ids."""

from __future__ import annotations

import copy
import io
import re

import pytest

from ballot.config import load_settings
from ballot.report.canonical import dump_bundle
from ballot.services.committee import CommitteeWorkspace
from tests.certify_kit import NAMES, CertifiedMeeting, certified_meeting
from tests.meeting_kit import new_server

MEMBER_ID = re.compile(r"\bm\d\d\b")


@pytest.fixture(scope="module")
def certified(tmp_path_factory) -> CertifiedMeeting:
    return certified_meeting(tmp_path_factory.mktemp("verify-page"))


def post(server, data: bytes, **fields: str):
    return server.app.test_client().post(
        "/api/verify",
        data={"bundle": (io.BytesIO(data), "goi.json"), **fields},
        content_type="multipart/form-data",
    )


def test_a_valid_signature_from_an_unknown_key_is_amber_not_valid(certified):
    result = post(certified.server, certified.bundle_bytes).get_json()
    assert result["verdict"] == "signer_unconfirmed"
    assert result["verdict_vi"].startswith("Chữ ký hợp lệ nhưng chưa xác nhận được người ký")
    assert "Hợp lệ —" not in result["verdict_vi"]
    signer = next(check for check in result["checks"] if check["name"] == "signer")
    assert signer["status"] == "manual" and "--fingerprint" not in signer["detail_vi"]
    assert [row["name"] for row in result["bundle"]["rows"]] == list(NAMES)


def test_the_registered_fingerprint_typed_in_makes_it_valid(certified):
    typed = certified.bundle["signer"]["fingerprint"].replace(" ", "").lower()
    result = post(certified.server, certified.bundle_bytes, fingerprint=typed).get_json()
    assert result["verdict"] == "valid" and result["verdict_vi"].startswith("Hợp lệ")


def test_another_chi_bo_fingerprint_fails_and_hides_the_results(certified):
    result = post(certified.server, certified.bundle_bytes, fingerprint="AB12" * 16).get_json()
    assert result["verdict"] == "failed" and result["first_failure"] == "signer"
    assert result["bundle"] is None


def test_a_tampered_bundle_shows_what_failed_by_name_and_no_usable_table(certified):
    tampered = copy.deepcopy(certified.bundle)
    round_ = tampered["rounds"][0]
    question = round_["questions"][2]
    votes = round_["tally"]["votes"][question["id"]]
    level = next(level for level, count in votes.items() if count)
    votes[level] -= 1
    result = post(certified.server, dump_bundle(tampered),
                  fingerprint=certified.bundle["signer"]["fingerprint"]).get_json()
    assert result["verdict"] == "failed" and result["bundle"] is None
    assert result["verdict_vi"].startswith("Không hợp lệ")
    recount = next(check for check in result["checks"] if check["name"] == "recount")
    assert recount["status"] == "fail"
    assert question["label"] in recount["detail_vi"]
    every_text = " ".join(check["title_vi"] + " " + check["detail_vi"] for check in result["checks"])
    assert not MEMBER_ID.search(every_text), every_text


def test_times_are_the_meetings_local_time_and_words_are_plain(certified):
    result = post(certified.server, certified.bundle_bytes).get_json()
    shown = result["bundle"]
    certified_at = certified.bundle["meeting"]["certified_at"]  # UTC, as signed
    hour = (int(certified_at[11:13]) + 7) % 24  # Asia/Ho_Chi_Minh, the default
    assert shown["certified_at"].startswith(f"{hour:02d} giờ ")
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", shown["review_date"])
    assert "Hướng dẫn" in shown["rules"] or "Quy định" in shown["rules"]
    every_text = " ".join(check["title_vi"] + " " + check["detail_vi"] for check in result["checks"])
    for jargon in ("phieukin-bundle", "RSA", "Ed25519", "RFC 9474", "UTC", "--fingerprint"):
        assert jargon not in every_text, jargon
    assert not MEMBER_ID.search(every_text)


def test_a_fingerprint_that_is_not_one_is_refused_naming_the_field(certified):
    answer = post(certified.server, certified.bundle_bytes, fingerprint="0000 1111")
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["field"] == "fingerprint" and error["message"].startswith("Dấu vân tay")


@pytest.fixture(scope="module")
def committee_server(certified, tmp_path_factory):
    """The đảng ủy's own machine: its workspace in the server's data directory."""
    data_dir = tmp_path_factory.mktemp("dang-uy")
    workspace = CommitteeWorkspace(load_settings(data_dir))
    try:
        workspace.init("Đảng ủy Xã Tân Hòa", certified.bundle["profile"])
        organisation = certified.bundle["organisation"]
        workspace.register(organisation["name"], certified.bundle["signer"]["fingerprint"],
                           organisation["kind"])
        workspace.register("Chi bộ Khác", "CD34" * 16, organisation["kind"])
    finally:
        workspace.close()
    return new_server(data_dir)


def test_on_the_committees_machine_the_registry_confirms_the_signer(certified, committee_server):
    page = committee_server.app.test_client().get("/verify").get_data(as_text=True)
    assert "2 chi bộ đã đăng ký với đảng ủy" in page
    result = post(committee_server, certified.bundle_bytes).get_json()
    assert result["verdict"] == "valid"
    signer = next(check for check in result["checks"] if check["name"] == "signer")
    assert "đã đăng ký với đảng ủy" in signer["detail_vi"]


def test_on_the_committees_machine_a_bundle_under_another_key_fails(certified, committee_server):
    forged = copy.deepcopy(certified.bundle)
    forged["organisation"]["name"] = "Chi bộ Khác"  # the signature no longer holds either
    result = post(committee_server, dump_bundle(forged)).get_json()
    signer = next(check for check in result["checks"] if check["name"] == "signer")
    assert signer["status"] == "fail" and "CD34" in signer["detail_vi"]
    assert result["verdict"] == "failed" and result["bundle"] is None


def test_a_chi_bo_server_creates_no_committee_file_to_look(certified):
    certified.server.app.test_client().get("/verify")
    post(certified.server, certified.bundle_bytes)
    assert not list(certified.server.services.settings.data_dir.glob("committee*"))
