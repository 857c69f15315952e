"""A meeting with a counting committee through the real API (docs/encrypted-ballots.md,
section 14): the ceremony relayed and checked, rounds encrypted to its joint key,
counted from t trustees' shares, and what the server can and cannot learn."""

from __future__ import annotations

import json

import pytest

from ballot.crypto.committee import verify_committee
from ballot.crypto.encrypted_ballot import EncryptedTally
from ballot.crypto.errors import NotEnoughShares
from ballot.crypto.threshold import combine
from ballot.store.models import Ballot, CeremonyMessage, CommitteeCeremony, Round
from tests.certify_kit import PRESENT, ROUNDS, VOTERS
from tests.encrypted_kit import (
    TRUSTEES,
    TrusteePhone,
    committee_meeting,
    encrypting_phone,
    run_ceremony,
    run_rounds,
)
from tests.meeting_kit import Host, Phone
from tests.postgres import BOTH_DATABASES

# Every use case on SQLite and on PostgreSQL; the tests of what the data directory's
# files hold run where the database is those files (SQLite).
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def ready(server):
    """A meeting whose committee of three (2 of 3) has made its key and read it aloud."""
    return committee_meeting(server)


def _rows(server, model):
    with server.services.db.read() as s:
        return s.query(model).count()


def _designated(server):
    host = Host(server.app.test_client())
    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    phones = {key: encrypting_phone(server, meeting, key) for key in PRESENT}
    host.ok("POST", f"/api/host/meetings/{meeting_id}/trustees",
            json={"member_ids": list(TRUSTEES), "threshold": 2})
    return host, meeting_id, phones, [TrusteePhone(phones[k]) for k in TRUSTEES]


@BOTH_DATABASES
def test_ceremony_completes_and_every_party_computes_the_same_fingerprint(ready):
    state = ready.host.state(ready.meeting_id)["committee"]
    assert state["state"] == "complete" and state["confirmed_aloud_at"]
    assert [t["confirmed"] for t in state["trustees"]] == [True, True, True]
    record = ready.host.client.get(f"/api/meetings/{ready.meeting_id}/committee").get_json()
    # The projector's and a trustee's own computation from the public record.
    assert verify_committee(record["transcript"]).short_fingerprint == state["short_fingerprint"]
    assert verify_committee(ready.trustees[1].state()["ceremony"]["transcript"]).short_fingerprint \
        == state["short_fingerprint"]
    # The minutes' counting committee is this one, head first, unless the host named another.
    names = [t["name"] for t in state["trustees"]]
    assert ready.host.state(ready.meeting_id)["meeting"]["details"]["counting_committee"] == names


@BOTH_DATABASES
def test_a_member_not_on_the_committee_has_no_trustee_page(ready):
    answer = ready.phones["m04"].client.get("/api/trustee")
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "not_a_trustee"


@BOTH_DATABASES
def test_a_trustee_cannot_speak_for_another_and_a_bad_message_changes_nothing(server):
    host, meeting_id, phones, trustees = _designated(server)
    other = trustees[1].trustee().announce()
    answer = trustees[0].send(other)
    assert answer.status_code == 403
    forged = trustees[0].trustee().announce()
    forged["message"]["enc_key"] = other["message"]["enc_key"]  # proof and signature no longer hold
    answer = trustees[0].send(forged)
    error = answer.get_json()["error"]
    assert answer.status_code == 400 and error["field"] == "envelope" and "thành viên 1" in error["message"]
    assert _rows(server, CeremonyMessage) == 0
    # A dealing before every key is announced is refused too.
    trustees[0].step()
    local = [t.trustee().announce() for t in trustees]  # made on the phones, not yet sent
    early = trustees[0].send(trustees[0].trustee().deal(local))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "too_early"
    assert _rows(server, CeremonyMessage) == 1


@BOTH_DATABASES
def test_the_same_message_again_after_a_reload_is_accepted_once(server):
    host, meeting_id, phones, trustees = _designated(server)
    envelope = trustees[0].trustee().announce()
    assert trustees[0].send(envelope).status_code == 201
    assert trustees[0].send(envelope).status_code == 201
    assert _rows(server, CeremonyMessage) == 1


@BOTH_DATABASES
def test_no_round_before_the_key_and_no_opening_before_it_is_read_aloud(server):
    host, meeting_id, phones, trustees = _designated(server)
    refused = host.call("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "classification"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "committee_not_ready"
    run_ceremony(trustees)
    created = host.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "classification"})
    refused = host.call("POST", f"/api/host/rounds/{created['id']}/open")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "fingerprint_not_confirmed"
    host.ok("POST", f"/api/host/meetings/{meeting_id}/trustees/confirm")
    host.ok("POST", f"/api/host/rounds/{created['id']}/open")


@BOTH_DATABASES
def test_the_committee_cannot_change_while_a_round_waits_for_its_count(ready):
    round_id = ready.host.run_round(ready.meeting_id)
    ready.phones["m01"].vote({"m01": "HTXSNV"})
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/close")
    refused = ready.host.call("POST", f"/api/host/meetings/{ready.meeting_id}/trustees",
                              json={"member_ids": ["m01"], "threshold": 1})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "round_in_progress"


@BOTH_DATABASES
def test_a_plaintext_ballot_or_a_broken_proof_is_refused_in_an_encrypted_round(ready, server):
    ready.host.run_round(ready.meeting_id)
    plain = ready.phones["m02"]
    # A phone that does not encrypt: its signed plaintext ballot is refused at the box.
    assert Phone.prepare_ballot(plain, {"m01": "HTXSNV"}).status_code == 200
    answer = plain.cast()
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "ballot"
    voter = ready.phones["m03"]

    def swap_proofs(ballot):  # a "yes" proof where a "no" belongs: no longer one-hot provable
        proofs = ballot["choices"]["m01"]["proofs"]
        proofs[0], proofs[1] = proofs[1], proofs[0]

    assert voter.prepare_ballot({"m01": "HTTNV"}, tamper=swap_proofs).status_code == 200
    answer = voter.cast()
    error = answer.get_json()["error"]
    assert answer.status_code == 400 and error["code"] == "bad_encrypted_ballot" and error["field"] == "ballot"
    assert "m01" in error["message"]
    assert _rows(server, Ballot) == 0


@BOTH_DATABASES
def test_a_copy_of_another_members_ballot_is_not_counted_twice(ready, server):
    """Cortier–Smyth: copying a ciphertext under a new signature would let its copier
    double someone's vote and learn it from the totals (docs/encrypted-ballots.md, 6)."""
    ready.host.run_round(ready.meeting_id)
    victim, copier = ready.phones["m01"], ready.phones["m02"]
    victim.vote({"m01": "HTXSNV"})
    copied = victim.signed["ballot"]
    assert copier.sign_text(copier.state()["round"], copied.encode()).status_code == 200
    answer = copier.cast()
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "duplicate_ballot"
    assert _rows(server, Ballot) == 1


@BOTH_DATABASES
def test_close_waits_for_t_shares_then_counts_exactly_what_was_voted(ready, server):
    kind, body, ballots = ROUNDS[0]
    round_id = ready.host.run_round(ready.meeting_id, kind, **body)
    for key, choices in zip(VOTERS, ballots, strict=True):
        ready.phones[key].vote(choices)
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/close")
    console = ready.host.state(ready.meeting_id)
    assert console["round"]["status"] == "counting" and "tally" not in console["round"]
    assert console["round"]["decryption"] == {"needed": 2, "shares": [], "refused": []}
    assert console["results"] is None
    assert ready.trustees[0].decrypt(round_id).status_code == 201
    assert ready.host.state(ready.meeting_id)["round"]["status"] == "counting"
    assert ready.trustees[2].decrypt(round_id).status_code == 201  # trustee 2 is away
    counted = ready.host.state(ready.meeting_id)["round"]
    assert counted["status"] == "closed"
    expected = {q: {lv: sum(1 for b in ballots if b.get(q) == lv) for lv in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")}
                for q in counted["tally"]["votes"]}
    assert counted["tally"] == {"ballots": 3, "votes": expected}
    public = ready.host.client.get(f"/api/meetings/{ready.meeting_id}/public").get_json()
    assert public["results"] is not None and public["round"]["status"] == "closed"


@BOTH_DATABASES
def test_a_wrong_share_is_refused_and_named_and_the_others_still_count(ready, server):
    round_id = ready.host.run_round(ready.meeting_id)
    ready.phones["m01"].vote({"m01": "HTXSNV"})
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/close")
    liar = ready.trustees[1]
    state = liar.state()
    tally = EncryptedTally.from_json(state["rounds"][0]["tally"])
    me = liar.trustee()
    from ballot.crypto.ristretto import Scalar
    from ballot.crypto.threshold import partial_decryption

    committee = verify_committee(state["ceremony"]["transcript"])
    wrong = partial_decryption(me, me.secret_share(state["ceremony"]["transcript"]) + Scalar.from_int(1),
                               committee, tally)
    assert liar.phone.client.post(f"/api/trustee/rounds/{round_id}/decryption",
                                  json={"envelope": wrong}).status_code == 201
    decryption = ready.host.state(ready.meeting_id)["round"]["decryption"]
    assert decryption["shares"] == [] and decryption["refused"][0]["index"] == 2
    assert "thành viên 2" in decryption["refused"][0]["reason"]
    ready.trustees[0].decrypt(round_id)
    ready.trustees[2].decrypt(round_id)
    assert ready.host.state(ready.meeting_id)["round"]["tally"]["votes"]["m01"]["HTXSNV"] == 1


@BOTH_DATABASES
def test_fewer_than_t_trustees_the_host_voids_the_round_and_runs_it_again(ready, server):
    round_id = ready.host.run_round(ready.meeting_id)
    ready.phones["m01"].vote({"m01": "HTXSNV"})
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/close")
    ready.trustees[0].decrypt(round_id)
    refused = ready.host.call("POST", f"/api/host/meetings/{ready.meeting_id}/rounds", json={"kind": "classification"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "round_counting"
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/void")
    assert ready.host.state(ready.meeting_id)["rounds"][0]["status"] == "void"
    again = ready.host.run_round(ready.meeting_id)
    assert ready.host.state(ready.meeting_id)["round"]["id"] == again


@SQLITE_ONLY
def test_the_server_holds_nothing_that_opens_a_ballot(ready, server, tmp_path):
    """With the whole data directory and every request's address and time, a ballot can
    at best be paired with its member; its contents stay ciphertexts that only t
    trustees' secrets open, and those never reach the server (docs/threat-model.md)."""
    run_rounds(ready)
    data = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for trustee in ready.trustees:
        assert trustee.seed not in data
        assert trustee.trustee().secret_share(trustee.state()["ceremony"]["transcript"]).b64().encode() not in data
    with server.services.db.read() as s:
        texts = [b.text for b in s.query(Ballot).all()]
        assert texts and not any(level in text for text in texts for level in ("HTXSNV", "HTTNV", "KHTNV"))
        # One trustee's share (t − 1 = 1) decrypts nothing.
        round_ = s.get(Round, ready.round_ids[0])
        ceremony = s.get(CommitteeCeremony, round_.ceremony_id)
        from ballot.services.trustees import transcript

        committee = verify_committee(transcript(s, ceremony))
        tally = EncryptedTally.from_json(json.loads(round_.encrypted_tally))
        from ballot.store.models import DecryptionShare

        one = [json.loads(d.envelope) for d in s.query(DecryptionShare).filter_by(round_id=round_.id, trustee_index=1)]
    with pytest.raises(NotEnoughShares):
        combine(committee, tally, one)


@BOTH_DATABASES
def test_an_encrypted_meeting_certifies_and_its_bundle_verifies(ready, tmp_path):
    from ballot.report.verify import verify_bundle

    run_rounds(ready)
    answer = ready.host.call("POST", f"/api/host/meetings/{ready.meeting_id}/certify")
    assert answer.status_code == 201, answer.get_json()
    bundle = json.loads(answer.get_data())
    assert bundle["format"] == "phieukin-bundle/2" and len(bundle["committees"]) == 1
    assert all(r["encryption"]["trustees"] == [1, 3] for r in bundle["rounds"])
    assert verify_bundle(answer.get_data()).first_failure is None


@SQLITE_ONLY
def test_linkage_with_every_file_and_t_minus_one_trustee_recovers_no_choice(ready, server, tmp_path):
    """The room-secrecy attacks at their strongest: the attacker knows exactly which
    member cast which ballot (as a Wi-Fi capture of addresses and times would tell),
    copies the data directory after every cast, after the close and after the count,
    and holds one trustee's secret (t − 1 = 1). Every ciphertext of every copy, opened
    with all that, gives no bit: the choices stay unreadable (docs/threat-model.md)."""
    from ballot.crypto.elgamal import Ciphertext
    from ballot.crypto.ristretto import GENERATOR, IDENTITY

    data_dir = tmp_path
    copies: list[bytes] = []

    def snapshot() -> None:
        copies.append(b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()))

    kind, body, ballots = ROUNDS[0]
    round_id = ready.host.run_round(ready.meeting_id, kind, **body)
    linked: dict[str, str] = {}  # member -> the ballot text it cast: perfect linkage
    for key, choices in zip(VOTERS, ballots, strict=True):
        ready.phones[key].vote(choices)
        linked[key] = ready.phones[key].signed["ballot"]
        snapshot()
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/close")
    snapshot()
    for index in (1, 3):
        ready.trustees[index - 1].decrypt(round_id)
    snapshot()

    insider = ready.trustees[0]
    share = insider.trustee().secret_share(insider.state()["ceremony"]["transcript"])
    for text in linked.values():
        for question in json.loads(text)["choices"].values():
            for ciphertext in question["ciphertexts"]:
                ct = Ciphertext.from_b64(ciphertext)
                guess = ct.beta - share * ct.alpha  # the insider's share as if it were the key
                assert guess not in (IDENTITY, GENERATOR)
    # Nor is a choice written in clear next to a member anywhere, at any moment.
    for copy in copies:
        for key in VOTERS:
            assert f'"{key}":"HTXSNV"'.encode() not in copy and f'"{key}":"HTTNV"'.encode() not in copy


@BOTH_DATABASES
def test_a_counting_rounds_ballots_are_published_signed_for_the_trustees_check(ready):
    from ballot.crypto import blind_rsa
    from ballot.crypto.encoding import b64url_decode

    round_id = ready.host.run_round(ready.meeting_id)
    ready.phones["m01"].vote({"m01": "HTXSNV"})
    ready.phones["m02"].vote({})
    client = ready.host.client
    refused = client.get(f"/api/rounds/{round_id}/encrypted-ballots")
    assert refused.status_code == 409  # nothing is published while ballots may still arrive
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/close")
    published = client.get(f"/api/rounds/{round_id}/encrypted-ballots").get_json()
    key = blind_rsa.public_key_from_json(published["public_key"])
    assert len(published["ballots"]) == 2
    for entry in published["ballots"]:
        blind_rsa.verify(key, b64url_decode(entry["prefix"]) + entry["text"].encode(),
                         b64url_decode(entry["signature"]))
    texts = [e["text"] for e in published["ballots"]]
    assert texts == sorted(texts)  # an order of text, not of arrival


@BOTH_DATABASES
def test_a_share_not_signed_by_its_trustee_is_refused_and_stores_nothing(ready, server):
    """Whoever holds a trustee's cookie cannot put a wrong share under the trustee's name."""
    from ballot.store.models import DecryptionShare

    round_id = ready.host.run_round(ready.meeting_id)
    ready.phones["m01"].vote({"m01": "HTXSNV"})
    ready.host.ok("POST", f"/api/host/rounds/{round_id}/close")
    client = ready.trustees[0].phone.client
    genuine = ready.trustees[2].trustee()  # trustee 3's key signing as if it were trustee 1
    forged = genuine.sign({"type": "partial-decryption", "context": "x", "trustee": 1, "round": round_id,
                           "tally": "x", "shares": {}})
    for envelope in (forged, {"message": {"trustee": 1, "type": "partial-decryption"}, "signature": ["x"]},
                     {"message": {"trustee": 1}, "signature": "QUJD"}):
        answer = client.post(f"/api/trustee/rounds/{round_id}/decryption", json={"envelope": envelope})
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "envelope"
    assert _rows(server, DecryptionShare) == 0
    assert ready.host.state(ready.meeting_id)["round"]["decryption"]["refused"] == []


@BOTH_DATABASES
def test_a_complaint_must_name_another_trustee_with_its_disclosure(server):
    host, meeting_id, phones, trustees = _designated(server)
    for trustee in trustees:
        trustee.step()
    for trustee in trustees:
        trustee.step()  # every dealing is in: complaints may come now
    me = trustees[0].trustee()
    before = _rows(server, CeremonyMessage)
    context = me.announce()["message"]["context"]
    for against in ([2], "2", 10**30, 1, 0, True):
        message = {"type": "complaint", "context": context, "trustee": 1, "against": against,
                   "key": "QUJD", "proof": "QUJD"}
        # Signed where canonical JSON can hold it; a number beyond it arrives unsigned.
        signable = isinstance(against, (str, list)) or (type(against) is int and abs(against) < 2**53)
        complaint = me.sign(message) if signable else {"message": message, "signature": "QUJD"}
        answer = trustees[0].send(complaint)
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "envelope", against
    assert _rows(server, CeremonyMessage) == before


@BOTH_DATABASES
def test_the_committee_is_refused_naming_the_field_for_a_repeated_or_unknown_member(server):
    host = Host(server.app.test_client())
    meeting_id = host.mark_present(host.new_meeting()["meeting"]["id"], "m01", "m02", "m03")["meeting"]["id"]
    for ids, code in ((["m01", "m01"], "trustee_twice"), (["m01", "x99"], "unknown_member")):
        answer = host.call("POST", f"/api/host/meetings/{meeting_id}/trustees",
                           json={"member_ids": ids, "threshold": 1})
        error = answer.get_json()["error"]
        assert answer.status_code == 400 and error["code"] == code and error["field"] == "member_ids"
    assert _rows(server, CommitteeCeremony) == 0


@BOTH_DATABASES
def test_a_trustee_cannot_post_a_share_for_another_meetings_round(ready, server):
    other = Host(server.app.test_client())
    meeting_id = other.mark_present(other.new_meeting()["meeting"]["id"], "m01", "m02", "m03")["meeting"]["id"]
    round_id = other.run_round(meeting_id)
    answer = ready.trustees[0].phone.client.post(f"/api/trustee/rounds/{round_id}/decryption",
                                                 json={"envelope": {"message": {"trustee": 1}, "signature": "x"}})
    assert answer.status_code == 404
