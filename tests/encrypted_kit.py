"""A meeting with a counting committee, run through the real JSON API: trustees whose
phones hold their seeds (ballot.crypto.committee.Trustee), voters whose phones encrypt
to the joint key they compute from the record (docs/encrypted-ballots.md, 14)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from ballot.crypto import blind_rsa
from ballot.crypto.canonical import canonical_json
from ballot.crypto.committee import Trustee, verify_committee
from ballot.crypto.encoding import b64url_encode
from ballot.crypto.encrypted_ballot import EncryptedTally, encrypt_ballot
from ballot.crypto.threshold import partial_decryption
from ballot.server import Server
from tests.certify_kit import PRESENT, ROUNDS, VOTERS
from tests.meeting_kit import Host, Phone, new_server, phone_for

TRUSTEES = ("m01", "m02", "m03")  # trustees 1, 2, 3; two of them decrypt
THRESHOLD = 2


class EncryptingPhone(Phone):
    """A voter's phone that encrypts its choices to the committee's joint key."""

    def prepare_ballot(self, choices: dict[str, str], tamper: Any = None) -> Any:
        """Encrypt, blind and ask for the signature; `tamper(ballot)` changes the
        encrypted ballot before it is signed (a phone that cheats)."""
        round_ = self.state()["round"]
        committee = verify_committee(round_["committee"])
        ballot = encrypt_ballot(committee.joint_key, round_["id"], [q["id"] for q in round_["questions"]],
                                choices)
        if tamper is not None:
            tamper(ballot)
        return self.sign_text(round_, canonical_json(ballot))

    def sign_text(self, round_: dict[str, Any], text: bytes) -> Any:
        """Blind `text` and ask for its signature (any text: a copy of another's ballot too)."""
        public_key = serialization.load_pem_public_key(round_["public_key"]["spki_pem"].encode())
        prefix, prepared = blind_rsa.prepare(text)
        blinded, inv = blind_rsa.blind(public_key, prepared)
        self.blinding = {"round": round_["id"], "key": public_key, "text": text, "prefix": prefix,
                         "prepared": prepared, "blinded": blinded, "inv": inv}
        return self.ask_signature()


@dataclass
class TrusteePhone:
    """A trustee's phone: its member's check-in and the seed only it holds."""

    phone: Phone
    seed: bytes = field(default_factory=Trustee.new_seed)

    def state(self) -> dict[str, Any]:
        answer = self.phone.client.get("/api/trustee")
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    def trustee(self) -> Trustee:
        state = self.state()
        return Trustee(self.seed, state["ceremony"]["transcript"]["context"], state["me"]["index"])

    def send(self, envelope: dict[str, Any]) -> Any:
        return self.phone.client.post("/api/trustee/messages", json={"envelope": envelope})

    def step(self) -> None:
        """What the trustee page does on each update: send whatever is due."""
        record = self.state()["ceremony"]["transcript"]
        me = self.trustee()
        sent = {(env["message"]["type"]) for name in ("announcements", "dealings", "confirmations", "complaints")
                for env in record[name] if env["message"]["trustee"] == me.index}
        n = record["context"]["n"]
        if "announce" not in sent:
            self._ok(self.send(me.announce()))
        elif "dealing" not in sent and len(record["announcements"]) == n:
            self._ok(self.send(me.deal(record["announcements"])))
        elif not sent & {"confirmation", "complaint"} and len(record["dealings"]) == n:
            for envelope in me.respond(record["announcements"], record["dealings"]):
                self._ok(self.send(envelope))

    def decrypt(self, round_id: str) -> Any:
        state = self.state()
        round_ = next(r for r in state["rounds"] if r["id"] == round_id)
        transcript = state["ceremony"]["transcript"]
        me = self.trustee()
        envelope = partial_decryption(me, me.secret_share(transcript), verify_committee(transcript),
                                      EncryptedTally.from_json(round_["tally"]))
        return self.phone.client.post(f"/api/trustee/rounds/{round_id}/decryption", json={"envelope": envelope})

    @staticmethod
    def _ok(answer: Any) -> None:
        assert answer.status_code in (200, 201), answer.get_json()


def run_ceremony(trustees: list[TrusteePhone]) -> None:
    """Every trustee page stepping until the ceremony is complete."""
    for _ in range(3):
        for trustee in trustees:
            trustee.step()
    state = trustees[0].state()["ceremony"]
    assert state["state"] == "complete", state


def encrypting_phone(server: Server, meeting: dict[str, Any], key: str) -> EncryptingPhone:
    base = phone_for(server, meeting, key)
    return EncryptingPhone(base.client, base.anonymous, base.member)


@dataclass
class EncryptedMeeting:
    server: Server
    host: Host
    meeting_id: str
    phones: dict[str, EncryptingPhone]
    trustees: list[TrusteePhone]
    round_ids: list[str]


def committee_meeting(server: Server) -> EncryptedMeeting:
    """The certify kit's meeting (tests/certify_kit.py) with a committee of three,
    its ceremony complete and its fingerprint confirmed aloud; no round yet."""
    host = Host(server.app.test_client())
    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    host.ok("POST", f"/api/host/meetings/{meeting_id}/presence",
            json={"member_id": "m05", "present": False, "absent_with_leave": True})
    phones = {key: encrypting_phone(server, meeting, key) for key in PRESENT}
    host.ok("POST", f"/api/host/meetings/{meeting_id}/trustees",
            json={"member_ids": list(TRUSTEES), "threshold": THRESHOLD})
    trustees = [TrusteePhone(phones[key]) for key in TRUSTEES]
    run_ceremony(trustees)
    host.ok("POST", f"/api/host/meetings/{meeting_id}/trustees/confirm")
    return EncryptedMeeting(server, host, meeting_id, phones, trustees, [])


def run_rounds(m: EncryptedMeeting, decrypting: tuple[int, ...] = (1, 3)) -> None:
    """Every round of the certify kit's ROUNDS voted encrypted, closed, and decrypted by
    the trustees `decrypting` (trustee 2 absent by default)."""
    for kind, body, ballots in ROUNDS:
        round_id = m.host.run_round(m.meeting_id, kind, **body)
        for key, choices in zip(VOTERS, ballots, strict=True):
            m.phones[key].vote(choices)
        m.host.ok("POST", f"/api/host/rounds/{round_id}/close")
        for index in decrypting:
            answer = m.trustees[index - 1].decrypt(round_id)
            assert answer.status_code == 201, answer.get_json()
        m.round_ids.append(round_id)


def certified_encrypted_meeting(data_dir: Path) -> tuple[EncryptedMeeting, bytes]:
    """A whole encrypted meeting, certified: (the meeting, its bundle's bytes)."""
    m = committee_meeting(new_server(data_dir))
    run_rounds(m)
    answer = m.host.call("POST", f"/api/host/meetings/{m.meeting_id}/certify")
    assert answer.status_code == 201, answer.get_json()
    return m, answer.get_data()


def bundle_of(data: bytes) -> dict[str, Any]:
    return json.loads(data)


def fresh_nonce() -> str:
    return b64url_encode(secrets.token_bytes(16))
