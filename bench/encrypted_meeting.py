"""The counting committee for `bench/meeting_load.py --encrypted` (docs/encrypted-ballots.md,
sections 6, 8 and 14): the voter phone's encryption, the trustees' phones over HTTP (run
from the bench's host process), and the same committee through the services layer for
the floor. What tests/encrypted_kit.py does with Flask's test client, over real HTTP.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

TRUSTEES = 3  # a committee of three
THRESHOLD = 2  # two of them decrypt


def pick_trustees(members: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Three full members (the demo's `chinh_thuc`), in roster order: trustees 1, 2, 3."""
    full = [m for m in members if m["status"] == "chinh_thuc"]
    if len(full) <= TRUSTEES:
        raise SystemExit(f"--encrypted needs more than {TRUSTEES} full members (one of them to vote)")
    chosen = {m["id"] for m in rng.sample(full, TRUSTEES)}
    return [m for m in members if m["id"] in chosen]


def encrypt_choices(round_: dict[str, Any], choices: dict[str, str]) -> bytes:
    """What the voter's phone does with the ballot form: check the committee's record,
    compute the joint key, encrypt every question of the round in the form's order,
    and give the canonical JSON it then blinds, signs and casts as a plaintext ballot."""
    from ballot.crypto.canonical import canonical_json
    from ballot.crypto.committee import verify_committee
    from ballot.crypto.encrypted_ballot import encrypt_ballot

    committee = verify_committee(round_["committee"])
    return canonical_json(encrypt_ballot(committee.joint_key, round_["id"],
                                         [q["id"] for q in round_["questions"]], choices))


def _envelope_bytes(envelope: dict[str, Any]) -> int:
    from ballot.crypto.canonical import canonical_json

    return len(canonical_json(envelope))


def _due(record: dict[str, Any], me: Any) -> list[dict[str, Any]]:
    """What the trustee page sends on seeing the transcript `record` (nothing if none is due)."""
    sent = {env["message"]["type"] for name in ("announcements", "dealings", "confirmations", "complaints")
            for env in record[name] if env["message"]["trustee"] == me.index}
    n = record["context"]["n"]
    if "announce" not in sent:
        return [me.announce()]
    if "dealing" not in sent and len(record["announcements"]) == n:
        return [me.deal(record["announcements"])]
    if not sent & {"confirmation", "complaint"} and len(record["dealings"]) == n:
        return me.respond(record["announcements"], record["dealings"])
    return []


# ---------------------------------------------------------------------------------------
# over HTTP: the trustees' phones, driven from the host process
# ---------------------------------------------------------------------------------------


class HttpTrustee:
    """A trustee's phone: its member's check-in session and the seed only it holds."""

    def __init__(self, base: str, meeting_code: str, member: dict[str, Any], timeout: float) -> None:
        import requests

        from ballot.crypto.committee import Trustee

        self.base, self.member, self.timeout = base, member, timeout
        self.http = requests.Session()
        self.seed = Trustee.new_seed()
        self.statuses: list[int] = []
        self._me: Any = None
        self._share: Any = None
        answer = self._call("POST", "/api/join", json={"meeting_code": meeting_code,
                                                       "personal_code": member["personal_code"]})
        if answer.status_code != 200:
            raise RuntimeError(f"trustee {member['id']} join: {answer.status_code} {answer.text[:200]}")

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.http.request(method, self.base + path, timeout=self.timeout, **kwargs)
        self.statuses.append(answer.status_code)
        return answer

    def _ok(self, answer: Any, what: str) -> dict[str, Any]:
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"trustee {self.member['id']} {what}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def state(self) -> dict[str, Any]:
        return self._ok(self._call("GET", "/api/trustee"), "state")

    def trustee(self, state: dict[str, Any]) -> Any:
        from ballot.crypto.committee import Trustee

        if self._me is None:
            self._me = Trustee(self.seed, state["ceremony"]["transcript"]["context"], state["me"]["index"])
        return self._me

    def step(self) -> int:
        """Send whatever is due on the current transcript; the number of messages sent."""
        state = self.state()
        due = _due(state["ceremony"]["transcript"], self.trustee(state))
        for envelope in due:
            self._ok(self._call("POST", "/api/trustee/messages", json={"envelope": envelope}), "message")
        return len(due)

    def decrypt(self, round_id: str) -> dict[str, Any]:
        """Fetch the round's encrypted tally, compute the partial decryption (the
        trustee phone's CPU, timed as thread CPU) and post it."""
        from ballot.crypto.committee import verify_committee
        from ballot.crypto.encrypted_ballot import EncryptedTally
        from ballot.crypto.threshold import partial_decryption

        out: dict[str, Any] = {"trustee": self.member["id"]}
        started = time.perf_counter()
        state = self.state()
        out["fetch_ms"] = (time.perf_counter() - started) * 1000
        round_ = next(r for r in state["rounds"] if r["id"] == round_id)
        transcript = state["ceremony"]["transcript"]
        cpu, started = time.thread_time(), time.perf_counter()
        me = self.trustee(state)
        if self._share is None:
            self._share = me.secret_share(transcript)
        envelope = partial_decryption(me, self._share, verify_committee(transcript),
                                      EncryptedTally.from_json(round_["tally"]))
        out["compute_ms"] = (time.perf_counter() - started) * 1000
        out["compute_cpu_ms"] = (time.thread_time() - cpu) * 1000
        out["share_bytes"] = _envelope_bytes(envelope)
        started = time.perf_counter()
        answer = self._call("POST", f"/api/trustee/rounds/{round_id}/decryption", json={"envelope": envelope})
        out["post_ms"] = (time.perf_counter() - started) * 1000
        out["status"] = answer.status_code
        out["acked_wall"] = time.time()
        if answer.status_code == 201:
            out["round_status_after"] = _status_after(answer.json(), round_id)
        else:
            out["error"] = answer.text[:300]
        return out


def _status_after(trustee_state: dict[str, Any], round_id: str) -> str:
    """The round's status in the trustee page's answer: a counted round no longer waits
    for a share, so it leaves the page's list."""
    mine = next((r for r in trustee_state["rounds"] if r["id"] == round_id), None)
    return mine["status"] if mine else "counted"


def run_committee(host: Any, meeting_id: str, trustees: list[HttpTrustee]) -> dict[str, Any]:
    """Designate the committee, run the trustees' pages until the ceremony completes,
    and confirm that the fingerprints were read aloud. `host` is meeting_load.Host."""
    started = time.perf_counter()
    answer, _ = host.call("POST", f"/api/host/meetings/{meeting_id}/trustees",
                          json={"member_ids": [t.member["id"] for t in trustees], "threshold": THRESHOLD})
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"designate committee: {answer.status_code} {answer.text[:300]}")
    messages = 0
    for _ in range(4):  # announce, deal, confirm: three passes; a fourth finds nothing due
        sent = sum(t.step() for t in trustees)
        messages += sent
        if not sent:
            break
    state = trustees[0].state()["ceremony"]
    ceremony_ms = (time.perf_counter() - started) * 1000
    if state["state"] != "complete":
        raise RuntimeError(f"ceremony not complete: {state.get('state')} {state.get('failure')}")
    answer, confirm_ms = host.call("POST", f"/api/host/meetings/{meeting_id}/trustees/confirm")
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"confirm committee: {answer.status_code} {answer.text[:300]}")
    from ballot.crypto.canonical import canonical_json
    from ballot.crypto.committee import verify_committee

    return {"trustees": [t.member["id"] for t in trustees], "n": TRUSTEES, "t": THRESHOLD,
            "messages": messages, "ceremony_ms": ceremony_ms, "confirm_ms": confirm_ms,
            "transcript_bytes": len(canonical_json(state["transcript"])),
            "short_fingerprint": verify_committee(state["transcript"]).short_fingerprint}


def decrypt_in_parallel(trustees: list[HttpTrustee], round_id: str) -> list[dict[str, Any]]:
    """The first THRESHOLD trustees decrypt at once, as two phones would."""
    results: list[dict[str, Any]] = [{} for _ in range(THRESHOLD)]

    def run(i: int) -> None:
        try:
            results[i] = trustees[i].decrypt(round_id)
        except Exception as exc:  # a result, reported in the checks
            results[i] = {"trustee": trustees[i].member["id"], "error": f"{type(exc).__name__}: {exc}"[:300]}

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THRESHOLD)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# ---------------------------------------------------------------------------------------
# the floor: the same committee through the services layer
# ---------------------------------------------------------------------------------------


def floor_committee(services: Any, host_id: int, meeting_id: str, check_ins: dict[str, str],
                    trustee_ids: list[str]) -> list[tuple[str, Any]]:
    """Designate, run the ceremony in process, confirm: [(check-in id, Trustee), ...]."""
    from ballot.crypto.committee import Trustee
    from ballot.services.commands import DesignateCommittee

    services.designate_committee(host_id, meeting_id,
                                 DesignateCommittee(member_ids=trustee_ids, threshold=THRESHOLD))
    seats = []
    for member_id in trustee_ids:
        state = services.trustee_state(check_ins[member_id])
        seats.append((check_ins[member_id], Trustee(Trustee.new_seed(), state["ceremony"]["transcript"]["context"],
                                                    state["me"]["index"])))
    for _ in range(3):
        for check_in, me in seats:
            for envelope in _due(services.trustee_state(check_in)["ceremony"]["transcript"], me):
                services.trustee_message(check_in, envelope)
    services.confirm_committee(host_id, meeting_id)
    return seats


def floor_decrypt(services: Any, seats: list[tuple[str, Any]], round_id: str) -> dict[str, Any]:
    """THRESHOLD trustees' partial decryptions (their phones' work, timed apart) and the
    server's receipt of each (the check of its proofs; the t-th also combines and counts)."""
    from ballot.crypto.committee import verify_committee
    from ballot.crypto.encrypted_ballot import EncryptedTally
    from ballot.crypto.threshold import partial_decryption

    envelopes, trustee_s = [], 0.0
    for check_in, me in seats[:THRESHOLD]:
        state = services.trustee_state(check_in)
        transcript = state["ceremony"]["transcript"]
        round_ = next(r for r in state["rounds"] if r["id"] == round_id)
        started = time.perf_counter()
        envelopes.append(partial_decryption(me, me.secret_share(transcript), verify_committee(transcript),
                                            EncryptedTally.from_json(round_["tally"])))
        trustee_s += time.perf_counter() - started
    receive_ms = []
    for (check_in, _), envelope in zip(seats, envelopes, strict=False):
        started = time.perf_counter()
        after = services.trustee_decryption(check_in, round_id, envelope)
        receive_ms.append((time.perf_counter() - started) * 1000)
    status = _status_after(after, round_id)
    return {"share_receive_ms": receive_ms, "trustee_compute_ms_each": trustee_s / THRESHOLD * 1000,
            "share_bytes": [_envelope_bytes(e) for e in envelopes], "status_after": status}
